// processes/manager: "How to manage a state between processes" [book ch.3].
// Shows: one dictionary shared by many processes. --children workers each run the book's
// worker(d, k, 2k), then the parent prints "Results: {0: 0, 1: 2, ...}". Two ways to share it:
//   --impl shm     the dictionary itself lives in shared memory: an interprocess map in a
//                  managed_shared_memory segment, guarded by an interprocess_mutex;
//   --impl server  Python's way: a manager process owns the dictionary and the workers send it
//                  requests over a UNIX socket (Boost.Asio), one line each.
// Every entry also records the pid that wrote it. Names (segment, socket) are unique per run.
// Book issues: the sample output shows "key = K value = V" lines the code never prints, and the
// text names things (taskWorker, value, d) that are not in the code.
#include "parcook/children.hpp"
#include "parcook/context.hpp"
#include "processes/support/segment.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/interprocess/allocators/allocator.hpp>
#include <boost/interprocess/containers/map.hpp>
#include <boost/interprocess/managed_shared_memory.hpp>
#include <boost/interprocess/sync/interprocess_mutex.hpp>
#include <boost/interprocess/sync/scoped_lock.hpp>
#include <fmt/format.h>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace parcook {
namespace {
namespace ip = boost::interprocess;
namespace asio = boost::asio;
using local = asio::local::stream_protocol;

struct Entry {
    int value;
    pid_t writer;
};
using Dict = std::map<int, Entry>;

// ---- --impl shm: the dictionary in shared memory -------------------------------------------
using ShmAlloc =
    ip::allocator<std::pair<const int, Entry>, ip::managed_shared_memory::segment_manager>;
struct SharedDict {
    ip::interprocess_mutex mutex;
    ip::map<int, Entry, std::less<int>, ShmAlloc> map;
    explicit SharedDict(const ShmAlloc& alloc) : map(std::less<int>(), alloc) {}
};

void shm_worker(const std::string& name, int key, int value) {
    ip::managed_shared_memory shm(ip::open_only, name.c_str());
    SharedDict& d = *shm.find<SharedDict>("dict").first;
    ip::scoped_lock lock(d.mutex);
    d.map.insert_or_assign(key, Entry{value, ::getpid()});
}

// ---- --impl server: a manager process owns the dictionary ----------------------------------
// One request per connection: "set <key> <value> <pid>", "dump" or "shutdown"; the reply is
// "ok" or the dictionary, one "<key> <value> <pid>" line per entry.
void serve(const std::string& path) {
    asio::io_context io;
    local::acceptor acceptor(io, local::endpoint(path));
    Dict dict;
    for (bool serving = true; serving;) {
        local::socket peer(io);
        acceptor.accept(peer);
        asio::streambuf in;
        asio::read_until(peer, in, '\n');
        std::istream request(&in);
        std::string verb;
        request >> verb;
        std::string reply = "ok\n";
        if (verb == "set") {
            int key = 0;
            Entry e{};
            request >> key >> e.value >> e.writer;
            dict.insert_or_assign(key, e);
        } else if (verb == "dump") {
            reply.clear();
            for (const auto& [key, e] : dict)
                reply += fmt::format("{} {} {}\n", key, e.value, e.writer);
        } else {
            serving = verb != "shutdown";
        }
        asio::write(peer, asio::buffer(reply));
    }
}

// Sends one request and returns the reply. The manager may still be starting: retry until
// `patience` runs out.
std::string request(const std::string& path, const std::string& line, Duration patience) {
    asio::io_context io;
    local::socket s(io);
    const auto deadline = Stopwatch::clock::now() + patience;
    for (boost::system::error_code ec;; ec.clear()) {
        s.connect(local::endpoint(path), ec);
        if (!ec)
            break;
        if (Stopwatch::clock::now() > deadline)
            throw std::runtime_error(fmt::format("manager at {}: {}", path, ec.message()));
        s.close();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    asio::write(s, asio::buffer(line + "\n"));
    std::string reply;
    boost::system::error_code ec;
    asio::read(s, asio::dynamic_buffer(reply), ec); // until the manager closes
    return reply;
}

Dict parse_dump(const std::string& text) {
    Dict d;
    std::istringstream in(text);
    for (int key; in >> key;) {
        Entry e{};
        in >> e.value >> e.writer;
        d[key] = e;
    }
    return d;
}

constexpr auto patience = std::chrono::seconds(10);

struct WorkerArgs {
    bool shm; // --impl shm: `ipc` names the segment; otherwise the manager's socket
    std::string ipc;
    std::int32_t key;
};

// The book's worker(d, key, value).
void worker(Context&, const WorkerArgs& args) {
    const int key = args.key, value = 2 * key;
    if (args.shm)
        shm_worker(args.ipc, key, value);
    else
        request(args.ipc, fmt::format("set {} {} {}", key, value, ::getpid()), patience);
    child_say(fmt::format("worker-{}", key), fmt::format("d[{}] = {}", key, value));
}

struct ManagerArgs {
    std::string socket;
};

void manager(Context&, const ManagerArgs& args) {
    serve(args.socket);
}

// Starts the workers, all before joining any, and returns their exit codes.
std::vector<int> run_workers(Context& ctx, const std::string& ipc) {
    std::vector<Child> workers;
    const bool shm = ctx.text("impl") == "shm";
    for (std::int32_t k = 0; k < ctx.integer("children"); ++k)
        workers.emplace_back(ctx, fmt::format("worker-{}", k),
                             role_call("worker", WorkerArgs{shm, ipc, k}));
    std::vector<int> codes;
    for (Child& w : workers)
        codes.push_back(w.wait());
    return codes;
}

void unlink_socket(const char* name) {
    ::unlink(fmt::format("/dev/shm/{}", name).c_str());
}

void run(Context& ctx) {
    Dict dict;
    std::vector<int> codes;
    std::string ipc_name;
    if (ctx.text("impl") == "shm") {
        ManagedSegment shm("manager",
                           64 * 1024 + 256 * static_cast<std::size_t>(ctx.integer("children")),
                           "children");
        SharedDict& d = *shm.memory.construct<SharedDict>("dict")(shm.memory.get_segment_manager());
        codes = run_workers(ctx, shm.name());
        for (const auto& [key, e] : d.map)
            dict[key] = e;
        ipc_name = shm.name();
    } else {
        IpcName name("manager", unlink_socket); // the socket file lives in /dev/shm
        const std::string path = "/dev/shm/" + name.str();
        Child server(ctx, "manager", role_call("manager", ManagerArgs{path}));
        request(path, "dump", patience); // the manager is serving
        codes = run_workers(ctx, path);
        dict = parse_dump(request(path, "dump", patience));
        request(path, "shutdown", patience);
        codes.push_back(server.wait());
        ipc_name = name.str();
    }

    std::vector<std::string> shown;
    boost::json::object result;
    std::set<pid_t> writers;
    bool right = true;
    for (const auto& [key, e] : dict) {
        shown.push_back(fmt::format("{}: {}", key, e.value));
        result[std::to_string(key)] = e.value;
        writers.insert(e.writer);
        right = right && e.value == 2 * key;
    }
    ctx.say("main", fmt::format("Results: {{{}}}", fmt::join(shown, ", ")));

    const auto n = ctx.integer("children");
    ctx.check(fmt::format("keys exactly 0..{}, each with value 2 x key", n - 1),
              right && static_cast<std::int64_t>(dict.size()) == n &&
                  (dict.empty() || (dict.begin()->first == 0 && dict.rbegin()->first == n - 1)),
              fmt::format("{} keys", dict.size()));
    ctx.check("each entry written by a distinct child process",
              static_cast<std::int64_t>(writers.size()) == n && !writers.contains(::getpid()),
              fmt::format("{} distinct writers", writers.size()));
    ctx.check("every child exited with code 0",
              std::all_of(codes.begin(), codes.end(), [](int c) { return c == 0; }),
              fmt::format("exit codes {}", fmt::join(codes, " ")));
    ctx.param("impl", ctx.text("impl").c_str());
    ctx.param("children", n);
    ctx.field("result", result);
    ctx.field("ipc", boost::json::array{ipc_name.c_str()});
}

} // namespace

extern const Recipe processes_manager{
    .group = "processes",
    .name = "manager",
    .summary = "many processes fill one shared dictionary (shared memory or a manager process)",
    .book = "How to manage a state between processes [book ch.3]",
    .options = {choice_option("impl", "shm", {"shm", "server"},
                              "dictionary in shared memory, or held by a manager process"),
                integer_option("children", 10, "how many worker processes", 1, 256)},
    .run = run,
    .tour_args = {"--impl", "server"},
    .roles = {{"worker", worker}, {"manager", manager}},
};

} // namespace parcook
