// distributed/pyro-shop: "Developing a client-server application with Pyro4" [book ch.5].
// Shows: one stateful object in a server process, shared by clients through RMI, with remote
// exceptions. The server hosts Shop as "example.shop.Shop": name(), logOn(name), logOut(name)
// (the server prints "logout <name>"), deposit(name, cents), buy(name, cents), balance(name),
// allAccounts(); money in integer cents; an unknown account is a remote KeyError. The book's
// client: Rashmi deposits 100 and buys a book for 37; Meeta deposits 50 twice; the accounts
// are then Meeta 100.00 and Rashmi 63.00. Then --clients concurrent clients each deposit one
// cent --deposits times into one account: calls on one object run one at a time, so not one
// cent is lost.
// Embedded by default; `--listen HOST:PORT [--connect NS]` runs the shop server alone,
// `--connect NS` runs the clients against the name server at NS.
// Book issues: a format string with two placeholders and one value; "%2f" meant "%.2f"; logOn
// resets an existing balance (here it keeps it); buy allows a negative balance (here it is a
// remote error); the text says Meeta deposits $100 twice.
#include "distributed/support/remote_launch.hpp"

#include <fmt/format.h>
#include <thread>

namespace parcook {
namespace {
namespace json = boost::json;
using wire::int_arg;
using wire::string_arg;

std::string money(std::int64_t cents) {
    return fmt::format("{}{}.{:02}", cents < 0 ? "-" : "", std::abs(cents) / 100,
                       std::abs(cents) % 100);
}

// The shop's state lives in the object, touched only by its calls (one at a time).
wire::Object shop(const remote::Say& say) {
    auto accounts = std::make_shared<std::map<std::string, std::int64_t>>();
    auto account = [accounts](const json::array& args) -> std::int64_t& {
        const auto it = accounts->find(string_arg(args, 0));
        if (it == accounts->end())
            throw wire::RemoteError("KeyError", "unknown account");
        return it->second;
    };
    auto amount = [](const json::array& args) {
        const std::int64_t cents = int_arg(args, 1);
        if (cents < 0)
            throw wire::RemoteError("ValueError", "a negative amount");
        return cents;
    };
    using wire::plain;
    using wire::Session;
    return {
        {"name",
         plain([](Session&, const json::array&) { return json::value("BuyAnythingOnline"); })},
        {"logOn", plain([accounts](Session&, const json::array& args) {
             accounts->try_emplace(string_arg(args, 0), 0);
             return json::value(nullptr);
         })},
        {"logOut", plain([say](Session&, const json::array& args) {
             say("shop", "logout " + string_arg(args, 0));
             return json::value(nullptr);
         })},
        {"deposit", plain([account, amount](Session&, const json::array& args) {
             return json::value(account(args) += amount(args));
         })},
        {"buy", plain([account, amount](Session&, const json::array& args) {
             std::int64_t& balance = account(args);
             if (balance < amount(args))
                 throw wire::RemoteError("ValueError", "insufficient funds");
             return json::value(balance -= amount(args));
         })},
        {"balance", plain([account](Session&, const json::array& args) {
             return json::value(account(args));
         })},
        {"allAccounts", plain([accounts](Session&, const json::array&) {
             json::object all;
             for (const auto& [name, cents] : *accounts)
                 all[name] = cents;
             return json::value(std::move(all));
         })},
    };
}

constexpr std::string_view shop_name = "example.shop.Shop";

void server_role(Context& ctx, const remote::HostArgs& a) {
    remote::host_objects(ctx, a, {{std::string(shop_name), shop(remote::say_for(ctx, true))}},
                         true);
}

// The book's client for one customer: log on, deposit, maybe buy, log out.
void customer(Context& ctx, wire::Proxy& shop, std::string_view name,
              std::vector<std::int64_t> deposits, std::int64_t book) {
    shop.call("logOn", {name});
    const std::string who(name);
    for (std::int64_t d : deposits)
        ctx.say(who, fmt::format("deposit {} -> balance={}", money(d),
                                 money(shop.call("deposit", {name, d}).as_int64())));
    if (book > 0)
        ctx.say(who, fmt::format("buy a book for {} -> balance={}", money(book),
                                 money(shop.call("buy", {name, book}).as_int64())));
    shop.call("logOut", {name});
}

// --clients threads, each its own connection, each depositing one cent --deposits times.
std::int64_t concurrent_deposits(Context& ctx, const wire::Uri& uri, const remote::Settings& s) {
    const std::int64_t clients = ctx.integer("clients");
    const std::uint64_t deposits = ctx.count("deposits");
    wire::Proxy(uri, remote::client_settings(s)).call("logOn", {"Ken"});
    const std::int64_t before =
        wire::Proxy(uri, remote::client_settings(s)).call("balance", {"Ken"}).as_int64();
    std::atomic<std::uint64_t> failed{0};
    {
        std::vector<std::jthread> threads;
        for (std::int64_t c = 0; c < clients; ++c)
            threads.emplace_back([&] {
                try {
                    wire::Proxy p(uri, remote::client_settings(s));
                    for (std::uint64_t i = 0; i < deposits; ++i)
                        p.call("deposit", {"Ken", 1});
                } catch (const std::exception&) {
                    ++failed;
                }
            });
    }
    const std::int64_t added =
        wire::Proxy(uri, remote::client_settings(s)).call("balance", {"Ken"}).as_int64() - before;
    ctx.say("clients", fmt::format("{} clients x {} one-cent deposits added {}", clients, deposits,
                                   money(added)));
    ctx.check("no client failed", failed == 0, fmt::format("{} failed", failed.load()));
    return added;
}

void clients(Context& ctx, const wire::Uri& ns, const remote::Settings& s) {
    const wire::Uri uri =
        wire::locate(fmt::format("PYRONAME:{}", shop_name), ns, remote::client_settings(s));
    wire::Proxy shop(uri, remote::client_settings(s));
    ctx.say("client", fmt::format("welcome to {}", shop.call("name").as_string().c_str()));
    customer(ctx, shop, "Rashmi", {10000}, 3700);
    customer(ctx, shop, "Meeta", {5000, 5000}, 0);
    const json::object all = shop.call("allAccounts").as_object();
    ctx.say("client", "The accounts in the BuyAnythingOnline:");
    for (const auto& [name, cents] : all)
        ctx.say("client", fmt::format("{} : {}", std::string_view(name), money(cents.as_int64())));
    const auto balance = [&](std::string_view n) {
        return all.contains(n) ? money(all.at(n).as_int64()) : std::string("none");
    };
    ctx.check("Meeta has 100.00", balance("Meeta") == "100.00", balance("Meeta"));
    ctx.check("Rashmi has 63.00", balance("Rashmi") == "63.00", balance("Rashmi"));

    std::string error;
    try {
        shop.call("balance", {"Nobody"});
    } catch (const wire::RemoteError& e) {
        error = e.what();
        ctx.say("client", fmt::format("balance(\"Nobody\") -> remote error {}", error));
    }
    ctx.check("an unknown account is the remote error \"unknown account\"",
              error == "KeyError: unknown account", error);

    const std::int64_t added = concurrent_deposits(ctx, uri, s);
    const std::int64_t expected =
        ctx.integer("clients") * static_cast<std::int64_t>(ctx.count("deposits"));
    ctx.check("the concurrent deposits add exactly", added == expected,
              fmt::format("{} of {}", money(added), money(expected)));
    ctx.field("concurrent_added", money(added).c_str());
}

void run(Context& ctx) {
    const remote::Settings s = remote::settings(ctx);
    const wire::Uri ns = ctx.given("connect")
                             ? remote::connect_uri(ctx, std::string(wire::name_server_id))
                             : wire::Uri{};
    if (ctx.given("listen"))
        return remote::host_objects(
            ctx, {s, ns}, {{std::string(shop_name), shop(remote::say_for(ctx, false))}}, false);
    if (ctx.given("connect"))
        return clients(ctx, ns, s);
    remote::ServerChild names = remote::start_name_server(ctx, s);
    const wire::Uri at = remote::name_server_at(names.where);
    remote::ServerChild server(ctx, "shop", role_call("server", remote::HostArgs{s, at}),
                               s.timeout);
    clients(ctx, at, s);
    ctx.check("the servers stopped cleanly", server.stop() == 0 && names.stop() == 0);
}

} // namespace

extern const Recipe distributed_pyro_shop{
    .group = "distributed",
    .name = "pyro-shop",
    .summary = "a shop object shared by remote clients; concurrent deposits add exactly",
    .book = "Developing a client-server application with Pyro4 [book ch.5]",
    .options =
        [] {
            auto o = remote::options();
            o.push_back(integer_option("clients", 2, "concurrent depositing clients", 1, 64));
            o.push_back(
                count_option("deposits", "1000", "one-cent deposits per client", 1000000, 1));
            return o;
        }(),
    .run = run,
    .tour_args = {"--deposits", "200"},
    .roles = {{"nameserver", remote::name_server_role}, {"server", server_role}},
};

} // namespace parcook
