// objectMember: one top-level member of a JSON object, found without parsing
// the rest — across strings holding braces, quotes and escapes, nested values,
// and refusing what is not there or not an object.
#include "bots/BotJson.h"

#include <cppunit/extensions/HelperMacros.h>

using bourse::objectMember;

class BotJsonTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(BotJsonTest);
    CPPUNIT_TEST(findsTheMemberPastTrickyValues);
    CPPUNIT_TEST(absentOrNotAnObjectIsNull);
    CPPUNIT_TEST_SUITE_END();

public:
    void findsTheMemberPastTrickyValues() {
        const std::string state =
            R"( { "note" : "a } brace, a \"quote\" and a \\", "orders": [{"id":"x","tags":["}","]"]}, 3],)"
            R"( "n": -1.5e3, "ok": true, "none": null, "summary": {"finished": true, "error": "x{y"} } )";
        const auto summary = objectMember(state, "summary");
        CPPUNIT_ASSERT(summary);
        CPPUNIT_ASSERT(summary->getValue<bool>("finished"));
        CPPUNIT_ASSERT_EQUAL(std::string("x{y"), summary->getValue<std::string>("error"));
        CPPUNIT_ASSERT(objectMember(R"({"a":{"b":{"c":1}}})", "a")->getObject("b"));
    }

    void absentOrNotAnObjectIsNull() {
        CPPUNIT_ASSERT(!objectMember(R"({"summary":[1,2]})", "summary"));
        CPPUNIT_ASSERT(!objectMember(R"({"other":{"summary":{}}})", "summary"));  // top level only
        CPPUNIT_ASSERT(!objectMember(R"({"summary":{"a":1)", "summary"));         // cut short
        CPPUNIT_ASSERT(!objectMember("not json", "summary"));
        CPPUNIT_ASSERT(!objectMember("", "summary"));
        CPPUNIT_ASSERT(!objectMember(R"({"summary":{"a":}})", "summary"));  // a broken member
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(BotJsonTest);
