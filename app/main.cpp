// parcook: the recipes of the Python Parallel Programming Cookbook in C++20, grouped by model.
#include "commands.hpp"
#include "parcook/output.hpp"

int main(int argc, char** argv) {
    parcook::reserve_standard_descriptors(); // before anything opens a pipe or a file
    return parcook::app::run_cli(argc, argv);
}
