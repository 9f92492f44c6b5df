// `parcook list [group]`: the registry as a table, JSON lines or CSV.
#include "commands.hpp"
#include "parcook/output.hpp"
#include "parcook/recipe.hpp"
#include "parcook/writers.hpp"

namespace parcook::app {

int list_recipes(const std::string& group, Format format, bool header) {
    Table table{.columns = {"id", "group", "name", "summary", "book"},
                .rows = {},
                .text_header = false,
                .text_columns = {0, 3}};
    for (const Recipe* r : recipes())
        if (group.empty() || r->group == group)
            table.rows.push_back({boost::json::string(r->id()), boost::json::string(r->group),
                                  boost::json::string(r->name), boost::json::string(r->summary),
                                  boost::json::string(r->book)});
    write_stdout(reporter(format, header)->table(table));
    return exit_verified;
}

} // namespace parcook::app
