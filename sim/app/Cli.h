// The sasgsim command line: parses arguments and dispatches to the subcommands. Returns the
// process exit code: 0 success, 2 bad scenario or bad arguments, 1 internal failure.
#pragma once

namespace sasgsim {

int run_cli(int argc, char** argv);

}  // namespace sasgsim
