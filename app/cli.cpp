// The command line: `parcook <group> <recipe> [options]`, `parcook list`, `parcook tour`.
// The CLI11 tree is generated from the registry; only the selected recipe's options are
// registered, so start-up stays cheap whatever the number of recipes.
#include "commands.hpp"
#include "parcook/children.hpp"
#include "parcook/host.hpp"
#include "parcook/log.hpp"
#include "parcook/mpi_library.hpp"
#include "parcook/output.hpp"
#include "parcook/recipe.hpp"
#include "parcook/suggest.hpp"
#include "parcook/writers.hpp"

#include <CLI/CLI.hpp>
#include <boost/system/system_error.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <map>
#include <new>
#include <system_error>

namespace parcook::app {
namespace {

constexpr std::string_view top_description =
    "parcook: the recipes of the Python Parallel Programming Cookbook in C++20.\n"
    "Every recipe verifies its own result and measures itself.";

std::string version_text() {
    return fmt::format(
        "parcook {}\nbuild      {} ({})\nmpi        {}\nmpiexec    {}\ncuda       {}\n"
        "opencl     {}\n",
        version(), build_type(), compiler(), mpi_library_version(), mpiexec_path(),
        have_cuda() ? "toolkit found at build time" : "no (built without the CUDA toolkit)",
        have_opencl() ? "yes" : "no (built without an OpenCL loader)");
}

// The group the command line names, if any: it may ask that this process keep quiet about usage
// errors because a sibling reports them (mpi ranks other than 0).
const Group* named_group = nullptr;

// One short line: control characters escaped, long messages cut.
std::string one_line(std::string_view message) {
    constexpr std::size_t most = 300;
    std::string out;
    for (char c : message) {
        if (out.size() >= most) {
            out += "...";
            break;
        }
        const auto u = static_cast<unsigned char>(c);
        out += u < 0x20 || u == 0x7f ? fmt::format("\\x{:02x}", u) : std::string(1, c);
    }
    return out;
}

int usage_error(std::string_view message) {
    if (!(named_group && named_group->secondary && named_group->secondary()))
        fmt::print(stderr, "parcook: {}\n", one_line(message));
    return exit_usage;
}

std::vector<std::string> group_names() {
    std::vector<std::string> v;
    for (const Group* g : groups())
        v.push_back(g->name);
    return v;
}

std::vector<std::string> command_names() {
    std::vector<std::string> v{"list", "tour"};
    for (std::string& g : group_names())
        v.push_back(std::move(g));
    return v;
}

std::string suggestion(std::string_view word, const std::vector<std::string>& candidates) {
    auto near = closest(word, candidates);
    if (near.empty())
        return fmt::format("; choose one of: {}", fmt::join(candidates, ", "));
    return fmt::format("; did you mean {}?", fmt::join(near, " or "));
}

CLI::App& add_format_options(CLI::App& app, std::string& format, bool& no_header) {
    app.add_option("--format", format, "output format: text, json or csv")
        ->check(CLI::IsMember({"text", "json", "csv"}))
        ->capture_default_str();
    app.add_flag("--no-header", no_header, "CSV without the header line");
    return app;
}

Format format_of(const std::string& s) {
    return s == "json" ? Format::json : s == "csv" ? Format::csv : Format::text;
}

// Registers one recipe's options; typed values land in `given` as text, parsed by Context.
void add_recipe_options(CLI::App& cmd, const Recipe& recipe,
                        std::map<std::string, std::string>& given) {
    for (const OptionSpec& spec : all_options(recipe)) {
        std::string names = "--" + spec.name;
        if (spec.positional)
            names = spec.name + "," + names;
        if (!spec.short_name.empty())
            names = "-" + spec.short_name + "," + names;
        CLI::Option* opt = nullptr;
        if (spec.kind == OptionKind::flag) {
            opt = cmd.add_flag_callback(
                names, [&given, name = spec.name] { given[name] = "true"; }, spec.help);
        } else {
            opt = cmd.add_option_function<std::string>(
                names, [&given, name = spec.name](const std::string& v) { given[name] = v; },
                spec.help);
            opt->type_name(describe_form(spec))
                ->default_str(spec.default_value)
                ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast); // the last one wins
        }
        if (spec.hidden)
            opt->group("");
    }
    // Anything else is refused after parsing, naming the recipe (see unexpected()).
    cmd.allow_extras();
}

// The first argument the recipe did not take: an option it does not have, or a stray word.
std::string unexpected(const CLI::App& cmd, const Recipe& recipe) {
    const std::vector<std::string> rest = cmd.remaining();
    if (rest.empty())
        return {};
    auto option = std::find_if(rest.begin(), rest.end(),
                               [](const std::string& a) { return a.starts_with("-"); });
    if (option == rest.end())
        return fmt::format("unexpected argument {} (see parcook {} {} --help)",
                           quote_input(rest[0]), recipe.group, recipe.name);
    const std::string name = option->substr(0, std::min<std::size_t>(option->find('='), 40));
    return fmt::format("{}: {} has no such option (see parcook {} {} --help)", name, recipe.id(),
                       recipe.group, recipe.name);
}

std::vector<std::string> recipe_arguments(const std::vector<std::string>& args,
                                          const std::string& group, const std::string& name) {
    std::vector<std::string> rest;
    bool seen_group = false, seen_name = false;
    for (const std::string& a : args) {
        if (!seen_group && a == group) {
            seen_group = true;
        } else if (seen_group && !seen_name && a == name) {
            seen_name = true;
        } else {
            rest.push_back(a);
        }
    }
    return rest;
}

// A child process of the recipe: run the role its parent started it for, with the arguments
// the parent handed it (children.hpp).
int run_role(const Recipe& recipe, Context& ctx) {
    const std::string& name = ctx.text("role");
    const Role* role = recipe.find_role(name);
    const std::string args = read_role_args(recipe, name);
    if (!role)
        throw UsageError(
            "--role: internal to parcook's own child processes, not an option to give");
    try {
        role->invoke(role->function, ctx, args);
    } catch (const Truncated&) {
        throw UsageError("--role: the arguments handed to this child are malformed");
    }
    return exit_verified;
}

int run_recipe(const Recipe& recipe, const std::map<std::string, std::string>& given,
               std::vector<std::string> args) {
    Context ctx(recipe, given, std::move(args)); // validates every option before any work
    init_logging(ctx.common().verbose, ctx.common().quiet, recipe.id());
    if (given.contains("role"))
        return run_role(recipe, ctx);
    if (std::string why = unavailable_reason(recipe); !why.empty())
        throw CannotRun(why);
    try {
        recipe.run(ctx);
    } catch (const RunFailed& e) {
        ctx.check(e.check, false, e.what());
    }
    const Result result = ctx.take_result();
    if (!ctx.silenced())
        write_stdout(reporter(ctx.common().format, !ctx.common().no_header)->record(result));
    return result.verified() ? exit_verified : exit_failed;
}

int dispatch(const std::vector<std::string>& args) {
    // Find the command and, for a group, the recipe, to give clear errors for unknown names.
    std::vector<std::string> words;
    for (const std::string& a : args)
        if (!a.starts_with("-"))
            words.push_back(a);
    const bool wants_help = std::find_if(args.begin(), args.end(), [](const std::string& a) {
                                return a == "--help" || a == "-h";
                            }) != args.end();

    CLI::App app(std::string(top_description), "parcook");
    app.set_version_flag("--version", [] {
        write_stdout(version_text());
        return std::string();
    });
    app.require_subcommand(0, 1);
    app.footer("Run `parcook <group> --help` for a group's recipes, `parcook list` for all.\n"
               "Exit codes: 0 verified, 1 verification failed, 2 bad usage, 77 cannot run here, "
               "70 internal error.");

    std::string format = "text", list_group;
    bool no_header = false;
    std::vector<std::string> tour_groups;
    std::string tour_timeout = "120s";
    CLI::App* list = app.add_subcommand("list", "list the recipes (all, or one group's)");
    list->add_option("group", list_group, "only this group");
    add_format_options(*list, format, no_header);
    CLI::App* tour_cmd =
        app.add_subcommand("tour", "run every recipe that can run here, at small sizes");
    tour_cmd->add_option("groups", tour_groups, "only these groups");
    tour_cmd->add_option("--timeout", tour_timeout, "time limit per recipe")->capture_default_str();
    add_format_options(*tour_cmd, format, no_header);

    const Recipe* selected = nullptr;
    CLI::App* selected_cmd = nullptr;
    std::map<std::string, std::string> given;
    for (const Group* g : groups()) {
        CLI::App* gc = app.add_subcommand(g->name, g->summary);
        gc->require_subcommand(0, 1);
        for (const Recipe* r : recipes()) {
            if (r->group != g->name)
                continue;
            CLI::App* rc = gc->add_subcommand(r->name, r->summary);
            rc->footer("Ports: " + r->book);
            if (words.size() >= 2 && words[0] == g->name && words[1] == r->name) {
                selected = r;
                selected_cmd = rc;
                add_recipe_options(*rc, *r, given);
            }
        }
    }

    if (!words.empty())
        named_group = find_group(words[0]);
    if (!words.empty() && !wants_help) {
        const auto names = command_names();
        if (std::find(names.begin(), names.end(), words[0]) == names.end())
            return usage_error(fmt::format("unknown command {}{}", quote_input(words[0]),
                                           suggestion(words[0], names)));
        if (const Group* g = find_group(words[0])) {
            std::vector<std::string> in_group;
            for (const Recipe* r : recipes())
                if (r->group == g->name)
                    in_group.push_back(r->name);
            if (words.size() < 2)
                return usage_error(fmt::format("'{}' needs a recipe: one of {}", g->name,
                                               fmt::join(in_group, ", ")));
            if (!selected) {
                std::vector<std::string> elsewhere;
                for (const Recipe* r : recipes())
                    if (r->name == words[1])
                        elsewhere.push_back(r->id());
                std::string hint = suggestion(words[1], in_group);
                if (!elsewhere.empty())
                    hint += fmt::format(" ({} is in {})", words[1], fmt::join(elsewhere, ", "));
                return usage_error(fmt::format("unknown recipe {} in group '{}'{}",
                                               quote_input(words[1]), g->name, hint));
            }
        }
    }

    try {
        std::vector<std::string> reversed(args.rbegin(), args.rend());
        app.parse(reversed);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::Success& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::string context =
            selected ? " (see parcook " + selected->group + " " + selected->name + " --help)" : "";
        return usage_error(e.what() + context);
    }

    if (list->parsed()) {
        if (!list_group.empty() && !find_group(list_group))
            return usage_error(fmt::format("list: unknown group {}{}", quote_input(list_group),
                                           suggestion(list_group, group_names())));
        return list_recipes(list_group, format_of(format), !no_header);
    }
    if (tour_cmd->parsed()) {
        for (const std::string& g : tour_groups)
            if (!find_group(g))
                return usage_error(fmt::format("tour: unknown group {}{}", quote_input(g),
                                               suggestion(g, group_names())));
        const Duration timeout = parse_duration(tour_timeout, "timeout");
        if (timeout < std::chrono::seconds(1))
            return usage_error(fmt::format("--timeout: at least 1 s per recipe, got {}",
                                           quote_input(tour_timeout)));
        return tour(tour_groups, format_of(format), timeout, !no_header);
    }
    if (selected) {
        if (std::string extra = unexpected(*selected_cmd, *selected); !extra.empty())
            return usage_error(extra);
        return run_recipe(*selected, given,
                          recipe_arguments(args, selected->group, selected->name));
    }
    // a bare group, or nothing at all: show the help of what was named
    std::fputs(app.help().c_str(), stderr);
    return exit_usage;
}

// Whether `e` is the system refusing a resource this machine limits - processes or threads
// (EAGAIN: ulimit -u, a cgroup's pids.max), descriptors (EMFILE, ENFILE: ulimit -n), memory -
// rather than a fault of parcook.
bool refused_by_limits(const std::exception& e) {
    int error = 0;
    if (const auto* s = dynamic_cast<const std::system_error*>(&e))
        error = s->code().value();
    else if (const auto* b = dynamic_cast<const boost::system::system_error*>(&e))
        error = b->code().value();
    else
        return dynamic_cast<const std::bad_alloc*>(&e) != nullptr;
    return error == EAGAIN || error == EMFILE || error == ENFILE || error == ENOMEM;
}

} // namespace

int run_cli(int argc, char** argv) {
    int code = exit_internal;
    try {
        code = dispatch(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const UsageError& e) {
        code = usage_error(e.what());
    } catch (const CannotRun& e) {
        fmt::print(stderr, "parcook: cannot run here: {}\n", one_line(e.what()));
        code = exit_cannot_run;
    } catch (const ExitNow& e) {
        code = e.code;
    } catch (const OutputError&) {
        // reported below
    } catch (const std::exception& e) {
        if (refused_by_limits(e)) {
            fmt::print(
                stderr,
                "parcook: cannot run here: the system refused a resource ({}): raise the "
                "limit (ulimit -u for processes and threads, -n for files) or ask for less\n",
                one_line(e.what()));
            code = exit_cannot_run;
        } else {
            fmt::print(stderr, "parcook: internal error: {}\n", one_line(e.what()));
            code = exit_internal;
        }
    }
    if (std::string failure = output_failure(); !failure.empty()) {
        fmt::print(stderr, "parcook: cannot write to stdout: {}\n", failure);
        return exit_output_failed;
    }
    return code;
}

} // namespace parcook::app
