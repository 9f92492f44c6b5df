// mpi/topology: "How to optimize communication" (virtual topology) [book ch.3].
// Shows: ranks arranged as a grid so that each talks to its geometric neighbours. The book's
// dims (rows = floor(sqrt(P)), cols = P / rows) go to MPI_Cart_create (reorder allowed, so the
// Cartesian rank may differ from the world rank); MPI_Cart_coords gives the row and column,
// MPI_Cart_shift along each dimension the UP/DOWN and LEFT/RIGHT neighbours, -1 for MPI_PROC_NULL
// (no neighbour past the border of a mesh). --periodic wraps the borders into a torus.
// Book issues: its code is periodic while its printed output is the mesh (the default here); a
// rank outside the grid (P = 5 makes a 2 x 2 grid) gets MPI_COMM_NULL and would crash: here it
// says "not in grid".
#include "mpi/mpi.hpp"

#include <cmath>

namespace parcook {
namespace {

// One rank's view, gathered at the root: Cartesian rank (-1: not in the grid), row, column, then
// the neighbours UP, DOWN, LEFT, RIGHT.
enum { cart, row, col, up, down, left, right, fields };
using View = std::array<int, fields>;

// The book's 2 x 2 tables for P = 4, by Cartesian rank: UP, DOWN, LEFT, RIGHT.
constexpr int book_mesh[4][4] = {{-1, 2, -1, 1}, {-1, 3, 0, -1}, {0, -1, -1, 3}, {1, -1, 2, -1}};
constexpr int book_torus[4][4] = {{2, 2, 1, 1}, {3, 3, 0, 0}, {0, 0, 3, 3}, {1, 1, 2, 2}};

View my_view(mpi::Job& job, int rows, int cols, bool periodic) {
    int dims[2] = {rows, cols}, periods[2] = {periodic, periodic};
    MPI_Comm grid = MPI_COMM_NULL;
    mpi::call(MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, /*reorder=*/1, &grid));
    View v{-1, -1, -1, -1, -1, -1, -1};
    if (grid == MPI_COMM_NULL) {
        job.say(fmt::format("Process (world rank {}) not in grid", job.rank()));
        return v;
    }
    int coords[2] = {0, 0};
    mpi::call(MPI_Comm_rank(grid, &v[cart]));
    mpi::call(MPI_Cart_coords(grid, v[cart], 2, coords));
    mpi::call(MPI_Cart_shift(grid, 0, 1, &v[up], &v[down]));
    mpi::call(MPI_Cart_shift(grid, 1, 1, &v[left], &v[right]));
    mpi::call(MPI_Comm_free(&grid));
    v[row] = coords[0];
    v[col] = coords[1];
    for (int i = up; i <= right; ++i)
        if (v[i] == MPI_PROC_NULL)
            v[i] = -1;
    job.say(fmt::format("Process = {} row = {} column = {} ----> neighbour_processes[UP] = {} "
                        "neighbour_processes[DOWN] = {} neighbour_processes[LEFT] = {} "
                        "neighbour_processes[RIGHT] = {}",
                        v[cart], v[row], v[col], v[up], v[down], v[left], v[right]));
    return v;
}

// At the root: the checks over every rank's view, indexed by Cartesian rank.
void verify(Context& ctx, const std::vector<View>& grid, int rows, int cols, bool periodic) {
    bool symmetric = true, borders = true, book = true;
    for (const View& v : grid) {
        auto at = [&](int n) -> const View& { return grid[static_cast<std::size_t>(n)]; };
        if (v[right] >= 0)
            symmetric = symmetric && at(v[right])[left] == v[cart];
        if (v[down] >= 0)
            symmetric = symmetric && at(v[down])[up] == v[cart];
        const bool edge[4] = {v[row] == 0, v[row] == rows - 1, v[col] == 0, v[col] == cols - 1};
        for (int d = 0; d < 4; ++d)
            borders = borders && (v[up + d] == -1) == (!periodic && edge[d]);
        if (grid.size() == 4)
            for (int d = 0; d < 4; ++d)
                book = book && v[up + d] == (periodic ? book_torus : book_mesh)[v[cart]][d];
    }
    ctx.check("neighbours are symmetric (a's RIGHT is b <=> b's LEFT is a; same for UP/DOWN)",
              symmetric);
    ctx.check(periodic ? "no -1 on a torus" : "-1 exactly on the borders of the mesh", borders);
    if (grid.size() == 4)
        ctx.check(fmt::format("{} x {} grid: the book's {} table", rows, cols,
                              periodic ? "torus" : "mesh"),
                  book);
}

void topology(mpi::Job& job, Context& ctx) {
    const bool periodic = ctx.flag("periodic");
    const int rows = static_cast<int>(std::sqrt(job.size()));
    int cols = job.size() / rows;
    if (rows * cols > job.size())
        --cols; // the book's guard (never true with these formulas)
    if (job.root())
        job.say(fmt::format("Building a {} x {} grid topology:", rows, cols));

    const View mine = my_view(job, rows, cols, periodic);
    job.detail("cartesian_rank", mine[cart]);
    job.detail("coords", {mine[row], mine[col]});
    job.detail(
        "neighbours",
        {{"up", mine[up]}, {"down", mine[down]}, {"left", mine[left]}, {"right", mine[right]}});
    std::vector<View> all(job.root() ? static_cast<std::size_t>(job.size()) : 0);
    mpi::call(
        MPI_Gather(mine.data(), fields, MPI_INT, all.data(), fields, MPI_INT, 0, MPI_COMM_WORLD));
    if (!job.root())
        return;
    std::vector<View> grid(static_cast<std::size_t>(rows * cols));
    for (const View& v : all)
        if (v[cart] >= 0)
            grid[static_cast<std::size_t>(v[cart])] = v;
    verify(ctx, grid, rows, cols, periodic);
    ctx.field("grid", fmt::format("{} x {}", rows, cols).c_str());
    ctx.field("periodic", periodic);
}

} // namespace

extern const Recipe mpi_topology{
    .group = "mpi",
    .name = "topology",
    .summary = "MPI_Cart_create: a 2-D grid of ranks and each rank's neighbours",
    .book = "How to optimize communication (virtual topology) [book ch.3]",
    .options = {flag_option("periodic", "wrap the borders: a torus instead of a mesh")},
    .run = mpi::entry<topology>,
    .uses = Uses::none,
};

} // namespace parcook
