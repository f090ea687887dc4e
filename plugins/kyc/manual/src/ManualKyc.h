//
// ManualKyc.h — identity verification by people: the kernel stores what the
// user uploads (kyc/DocumentStore) and an operator approves or rejects the case
// in the console. The plugin only opens cases (one session id per attempt) and
// tells the user what to upload; no outside service, so no webhooks: any that
// arrives is refused as forged.
//
// Config: {"instructions": "text shown to the user"} (optional).
// Threading: the host serialises calls into one instance.
//
#pragma once

#include <bourse/plugin.hpp>

#include <string>

namespace bourse::kyc {

class ManualKyc : public KycProvider {
public:
    explicit ManualKyc(Host& host);

    void startVerification(const KycRequest& request, Reply reply) override;
    std::string verifyWebhook(const Webhook& webhook) override;

private:
    std::string _instructions;
};

}  // namespace bourse::kyc
