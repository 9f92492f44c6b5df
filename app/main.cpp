// parcook: the recipes of the Python Parallel Programming Cookbook in C++20, grouped by model.
#include "commands.hpp"

int main(int argc, char** argv) {
    return parcook::app::run_cli(argc, argv);
}
