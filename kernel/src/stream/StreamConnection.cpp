#include "stream/StreamConnection.h"

namespace bourse::stream {

Connection::Connection(Poco::Net::WebSocket ws, std::size_t shardIndex)
    : socket(std::move(ws)), fd(socket.impl()->sockfd()), shard(shardIndex) {}

Connection::~Connection() {
    try {
        socket.close();
    } catch (...) {
        // Closing an already broken socket has nothing left to release.
    }
}

}  // namespace bourse::stream
