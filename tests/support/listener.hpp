// `parcook <group> <recipe> --listen 127.0.0.1:PORT ...` in the background for the server
// tests (async/echo, the distributed servers): its stdout (the record) and stderr (the log)
// kept, stopped by SIGTERM; and raw sockets to poke it with.
#pragma once
#include "support/run.hpp"

#include <string>
#include <sys/types.h>
#include <vector>

namespace parcook::test {

int free_port();
int connect_to(int port); // -1 when refused
// Whatever arrives within `wait`, or until the peer closes (then `closed` is set).
std::string receive(int fd, std::chrono::milliseconds wait, bool* closed = nullptr);

struct Listener {
    int port = free_port();
    pid_t pid = -1;
    int out = -1, err = -1;

    // `env`: extra NAME=VALUE entries. Waits until it accepts connections.
    Listener(const std::string& group, const std::string& recipe, std::vector<std::string> extra,
             std::vector<std::string> env = {}, bool wait_for_listen = true);
    struct Stopped {
        int code;
        std::string record, log;
    };
    Stopped stop(); // SIGTERM, then what it wrote
    Stopped wait(); // until it exits by itself
    ~Listener();
    std::string address() const { return "127.0.0.1:" + std::to_string(port); }
};

} // namespace parcook::test
