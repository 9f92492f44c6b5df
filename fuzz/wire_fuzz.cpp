// libFuzzer target for what a distributed server runs on untrusted bytes (wire.hpp): the input
// is a byte stream as a connection delivers it; every complete frame's body goes through the
// hello, call and reply decoders, and the stream's text through the URI parsers. Decoders may
// refuse (ProtocolError); they must never crash, leak or read out of bounds.
#include "distributed/support/wire.hpp"

#include <boost/json/src.hpp>
#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace parcook::wire;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    parse_pyro_uri(text);
    parse_pyroname(text);
    parse_host_port(text);
    std::string bytes(text);
    try {
        while (const auto body = take_frame(bytes, 1 << 16)) {
            for (auto decode : {+[](std::string_view b) { (void)read_hello(b); },
                                +[](std::string_view b) { (void)decode_call(b); },
                                +[](std::string_view b) { (void)decode_reply(b); }}) {
                try {
                    decode(*body);
                } catch (const ProtocolError&) {
                }
            }
        }
    } catch (const ProtocolError&) { // an oversized length
    }
    return 0;
}
