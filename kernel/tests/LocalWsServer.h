//
// LocalWsServer.h — a WebSocket server on loopback for tests of outbound
// connections: each accepted connection runs `script` (on a server thread)
// with the upgraded socket and the request path.
//
#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/WebSocket.h>

#include <functional>
#include <memory>
#include <string>

namespace bourse::test {

class LocalWsServer {
public:
    using Script = std::function<void(Poco::Net::WebSocket& ws, const std::string& path)>;

    explicit LocalWsServer(Script script) : _script(std::move(script)) {
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
        _port = socket.address().port();
        _server =
            std::make_unique<Poco::Net::HTTPServer>(new Factory(_script), socket, new Poco::Net::HTTPServerParams);
        _server->start();
    }
    ~LocalWsServer() { _server->stopAll(true); }
    LocalWsServer(const LocalWsServer&) = delete;
    LocalWsServer& operator=(const LocalWsServer&) = delete;

    [[nodiscard]] std::string url(const std::string& path) const {
        return "ws://127.0.0.1:" + std::to_string(_port) + path;
    }

private:
    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(const Script& script) : _script(script) {}
        void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
            Poco::Net::WebSocket ws(req, resp);
            ws.setReceiveTimeout(Poco::Timespan(5, 0));
            try {
                _script(ws, req.getURI());
            } catch (const Poco::Exception&) {
                // the client went away: nothing to do
            }
        }

    private:
        const Script& _script;
    };
    class Factory : public Poco::Net::HTTPRequestHandlerFactory {
    public:
        explicit Factory(const Script& script) : _script(script) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
            return new Handler(_script);
        }

    private:
        const Script& _script;
    };

    Script _script;
    Poco::UInt16 _port = 0;
    std::unique_ptr<Poco::Net::HTTPServer> _server;
};

}  // namespace bourse::test
