#include "parcook/merge.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <map>
#include <stdexcept>

namespace parcook {
namespace json = boost::json;

Share share_of(const Result& result, json::value detail) {
    return {result.trace, result.checks, std::move(detail)};
}

std::string encode(const Share& share) {
    json::array trace, checks;
    for (const TraceLine& t : share.trace)
        trace.push_back({t.t, t.who, t.text});
    for (const Check& c : share.checks)
        checks.push_back({c.what, c.passed, c.detail});
    return json::serialize(json::object{
        {"trace", std::move(trace)}, {"checks", std::move(checks)}, {"detail", share.detail}});
}

Share decode_share(std::string_view text) {
    try {
        const json::object from = json::parse(text).as_object();
        Share s;
        for (const json::value& line : from.at("trace").as_array()) {
            const json::array& l = line.as_array();
            s.trace.push_back({l.at(0).to_number<double>(), std::string(l.at(1).as_string()),
                               std::string(l.at(2).as_string())});
        }
        for (const json::value& row : from.at("checks").as_array()) {
            const json::array& c = row.as_array();
            s.checks.push_back({std::string(c.at(0).as_string()), c.at(1).as_bool(),
                                std::string(c.at(2).as_string())});
        }
        s.detail = from.at("detail");
        return s;
    } catch (const std::exception& e) {
        throw std::invalid_argument(
            fmt::format("a process's share of the record is malformed: {}", e.what()));
    }
}

Merged merge(const std::vector<Share>& shares, std::string_view who) {
    struct Rule {
        bool passed = true;
        std::string detail;
        std::vector<std::string> failures;
    };
    Merged m;
    std::vector<std::string> order;
    std::map<std::string, Rule> rules;
    for (std::size_t i = 0; i < shares.size(); ++i) {
        const Share& s = shares[i];
        m.trace.insert(m.trace.end(), s.trace.begin(), s.trace.end());
        for (const Check& c : s.checks) {
            auto [it, added] = rules.try_emplace(c.what, Rule{true, c.detail, {}});
            if (added)
                order.push_back(c.what);
            if (!c.passed) {
                it->second.passed = false;
                it->second.failures.push_back(fmt::format("{} {}: {}", who, i, c.detail));
            }
        }
        m.detail.push_back(s.detail);
    }
    for (const std::string& what : order) {
        const Rule& r = rules[what];
        m.checks.push_back(
            {what, r.passed, r.passed ? r.detail : fmt::format("{}", fmt::join(r.failures, "; "))});
    }
    return m;
}

} // namespace parcook
