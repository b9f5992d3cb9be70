#include "sim/app/Cli.h"

int main(int argc, char** argv) { return sasgsim::run_cli(argc, argv); }
