# Tab completion for the worker's command line in bash (and in zsh through bashcompinit), without
# dotnet-suggest: the worker answers System.CommandLine's [suggest:N] directive itself, with the
# completions of the command line it is given (N is the cursor position in it), one per line.
#   bash: sudo install -m 644 ops/completion/reporting-worker.bash /etc/bash_completion.d/reporting-worker
#   zsh:  autoload -U +X bashcompinit && bashcompinit && source /etc/bash_completion.d/reporting-worker
# docs/operations.md, "Shell completion".
_reporting_worker_complete()
{
    local command=${COMP_WORDS[0]}
    local line=${COMP_LINE#"$command"}
    line=${line# }
    local point=$(( COMP_POINT - (${#COMP_LINE} - ${#line}) ))
    (( point < 0 )) && point=0
    local current=${COMP_WORDS[COMP_CWORD]}
    local IFS=$'\n'
    COMPREPLY=( $(compgen -W "$("$command" "[suggest:$point]" "$line" 2>/dev/null)" -- "$current") )
}
complete -F _reporting_worker_complete reporting-worker
