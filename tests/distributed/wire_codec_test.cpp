// The distributed group's wire codec: frames, hello, calls, replies and URIs, including what a
// hostile peer may send (oversized lengths, truncated frames, bodies that are not calls).
#include "distributed/support/wire.hpp"

#include <catch2/catch.hpp>

using namespace parcook::wire;
namespace json = boost::json;

TEST_CASE("a frame is an 8-byte little-endian length, then the body") {
    const std::string f = frame("hello");
    REQUIRE(f.size() == header_size + 5);
    CHECK(f[0] == 5);
    CHECK(f.substr(1, 7) == std::string(7, '\0'));
    CHECK(body_size(f.substr(0, header_size), 5) == 5);
    CHECK_THROWS_AS(body_size(f.substr(0, header_size), 4), ProtocolError);
}

TEST_CASE("a 4 GiB length prefix is refused before anything is allocated") {
    std::string h = header(UINT64_C(4) << 30);
    CHECK_THROWS_AS(body_size(h, default_max_frame), ProtocolError);
    CHECK_THROWS_AS(take_frame(h, default_max_frame), ProtocolError);
}

TEST_CASE("complete frames are taken off the front and a truncated one is left") {
    std::string bytes = frame("one") + frame("") + frame("three").substr(0, 10);
    CHECK(take_frame(bytes, 100) == "one");
    CHECK(take_frame(bytes, 100) == "");
    CHECK_FALSE(take_frame(bytes, 100));
    CHECK(bytes.size() == 10);
    bytes += "ree";
    CHECK(take_frame(bytes, 100) == "three");
    CHECK(bytes.empty());
}

TEST_CASE("the hello carries the protocol version and the token") {
    CHECK(read_hello(hello("")).empty());
    CHECK(read_hello(hello("s3cret")) == "s3cret");
    CHECK_THROWS_AS(read_hello(R"({"hello":"parcook-wire","version":2})"), ProtocolError);
    CHECK_THROWS_AS(read_hello(R"({"hello":"other","version":1})"), ProtocolError);
    CHECK_THROWS_AS(read_hello("GET / HTTP/1.1"), ProtocolError);
}

TEST_CASE("tokens are compared whole") {
    CHECK(same_token("abc", "abc"));
    CHECK_FALSE(same_token("abc", "abd"));
    CHECK_FALSE(same_token("abc", "abcd"));
    CHECK_FALSE(same_token("", "a"));
    CHECK(same_token("", ""));
}

TEST_CASE("a call travels as object, method and arguments") {
    const Call back = decode_call(encode_call({"shop", "deposit", {"Meeta", 5000}}));
    CHECK(back.object == "shop");
    CHECK(back.method == "deposit");
    CHECK(back.args == json::array{"Meeta", 5000});
    CHECK(decode_call(R"({"object":"o","method":"m"})").args.empty());
    for (const char* bad : {"", "[]", "{", R"({"object":"o"})", R"({"object":1,"method":"m"})",
                            R"({"object":"o","method":"m","args":{}})", "\xff\xfe"})
        CHECK_THROWS_AS(decode_call(bad), ProtocolError);
}

TEST_CASE("a reply is a result, an output line or a remote error") {
    CHECK(*decode_reply(encode_result(json::array{1, 2})).result == json::array{1, 2});
    CHECK(*decode_reply(encode_result(nullptr)).result == nullptr);
    CHECK(*decode_reply(encode_output("hi here")).output == "hi here");
    const Reply e = decode_reply(encode_error("KeyError", "unknown account"));
    CHECK_FALSE(e.result);
    CHECK(e.error_type == "KeyError");
    CHECK(e.error_message == "unknown account");
    CHECK_THROWS_AS(decode_reply("{}"), ProtocolError);
    CHECK_THROWS_AS(decode_reply(R"({"error":{"type":"x"}})"), ProtocolError);
}

TEST_CASE("PYRO and PYRONAME URIs") {
    const auto uri = parse_pyro_uri("PYRO:obj_12ab@127.0.0.1:9090");
    REQUIRE(uri);
    CHECK(uri->id == "obj_12ab");
    CHECK(uri->host == "127.0.0.1");
    CHECK(uri->port == 9090);
    CHECK(uri->str() == "PYRO:obj_12ab@127.0.0.1:9090");
    CHECK(parse_pyro_uri("PYRO:x@[::1]:1")->host == "::1");
    CHECK(parse_pyro_uri("PYRO:x@[::1]:1")->str() == "PYRO:x@[::1]:1");
    for (const char* bad : {"PYRO:@h:1", "PYRO:x@h", "PYRO:x@h:70000", "PYRONAME:x", "x@h:1"})
        CHECK_FALSE(parse_pyro_uri(bad));
    CHECK(parse_pyroname("PYRONAME:example.shop.Shop") == "example.shop.Shop");
    CHECK_FALSE(parse_pyroname("PYRONAME:"));
    CHECK_FALSE(parse_host_port("127.0.0.1"));
    CHECK_FALSE(parse_host_port(":80"));
    CHECK(parse_host_port("localhost:0")->second == 0);
}
