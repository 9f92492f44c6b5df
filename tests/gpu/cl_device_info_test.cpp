// gpu/cl-device-info: one block of the book's fields per device, every number > 0, and PoCL's
// CPU device among them; exit 77 with the reason where the build has no OpenCL.
#include "parcook/host.hpp"
#include "support/run.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using Catch::Matchers::Contains;

namespace parcook::test {
namespace {

std::vector<std::string> starting(const boost::json::object& record, const std::string& prefix) {
    std::vector<std::string> v;
    for (const std::string& line : trace_texts(record))
        if (line.starts_with(prefix))
            v.push_back(line.substr(prefix.size()));
    return v;
}

} // namespace

TEST_CASE("gpu/cl-device-info: every platform and device with the book's fields") {
    if (!have_opencl()) {
        const Run r = parcook({"gpu", "cl-device-info"});
        CHECK(r.code == 77);
        CHECK(r.out.empty());
        CHECK_THAT(r.err, Contains("built without OpenCL"));
        return;
    }
    const auto r = record_of({"gpu", "cl-device-info"});
    CHECK(all_checks_passed(r));
    const auto devices = field(r, "devices").to_number<std::size_t>();
    CHECK(field(r, "platforms").to_number<std::size_t>() >= 1);
    CHECK(devices >= 1);
    CHECK(starting(r, "Platform - Name: ").size() ==
          field(r, "platforms").to_number<std::size_t>());
    // one block per device, each with every field, every number > 0
    CHECK(starting(r, "Device - Name: ").size() == devices);
    for (const std::string name :
         {"Max Clock Speed", "Compute Units", "Local Memory", "Constant Memory", "Global Memory",
          "Max Buffer/Image Size", "Max Work Group Size"}) {
        const auto values = starting(r, "Device - " + name + ": ");
        INFO(name);
        CHECK(values.size() == devices);
        for (const std::string& v : values)
            CHECK(std::stod(v) > 0);
    }
    // PoCL (installed here and in CI) runs OpenCL on the CPU
    const auto platforms = starting(r, "Platform - Name: ");
    if (std::find(platforms.begin(), platforms.end(), "Portable Computing Language") !=
        platforms.end()) {
        const auto types = starting(r, "Device - Type: ");
        CHECK(std::any_of(types.begin(), types.end(),
                          [](const std::string& t) { return t.find("CPU") != std::string::npos; }));
    }

    const auto one = record_of({"gpu", "cl-device-info", "--device", "0"});
    CHECK(all_checks_passed(one));
    CHECK(field(one, "devices_shown").to_number<int>() == 1);
    CHECK(starting(one, "Device - Name: ").size() == 1);
}

} // namespace parcook::test
