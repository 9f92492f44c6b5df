// `parcook list [group]`: the registry as a table, JSON lines or CSV.
#include "commands.hpp"
#include "parcook/recipe.hpp"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

namespace parcook::app {

int list_recipes(const std::string& group, Format format, bool header) {
    std::vector<const Recipe*> shown;
    for (const Recipe* r : recipes())
        if (group.empty() || r->group == group)
            shown.push_back(r);
    std::string out;
    switch (format) {
    case Format::json:
        for (const Recipe* r : shown)
            out += boost::json::serialize(boost::json::object{{"id", r->id()},
                                                              {"group", r->group},
                                                              {"name", r->name},
                                                              {"summary", r->summary},
                                                              {"book", r->book}}) +
                   "\n";
        break;
    case Format::csv:
        if (header)
            out += "id,group,name,summary,book\n";
        for (const Recipe* r : shown)
            out += fmt::format("{},{},{},\"{}\",\"{}\"\n", r->id(), r->group, r->name, r->summary,
                               r->book);
        break;
    case Format::text: {
        std::size_t width = 0;
        for (const Recipe* r : shown)
            width = std::max(width, r->id().size());
        for (const Recipe* r : shown)
            out += fmt::format("{:<{}}  {}\n", r->id(), width, r->summary);
        break;
    }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

} // namespace parcook::app
