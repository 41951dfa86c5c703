// GNU readline for the cnnrepl REPL: line editing, history and tab completion.
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
