# bash completion for pagelab (the launcher's options, from console/src/main/java/dev/pagelab/console/Main.java,
# and the names of the recipes installed beside it). Installed as /usr/share/bash-completion/completions/pagelab.

# The recipes directory of the pagelab being completed: share/pagelab/recipes beside an installed launcher,
# recipes/ beside a clone's ./pagelab.
_pagelab_recipe_dir()
{
    local cmd bin dir
    cmd=${1:-pagelab}
    bin=$(type -P -- "$cmd" 2>/dev/null) || return 1
    bin=$(readlink -f -- "$bin" 2>/dev/null) || return 1
    dir=${bin%/*}
    if [[ -d $dir/../share/pagelab/recipes ]]; then
        printf '%s\n' "$dir/../share/pagelab/recipes"
    elif [[ -d $dir/recipes ]]; then
        printf '%s\n' "$dir/recipes"
    else
        return 1
    fi
}

_pagelab()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local opts='-c --json --json-schema --keep-going -k --no-color --config --recipe -r --check --auto --step --delay --typing --cast --help -h --version'
    COMPREPLY=()
    case $prev in
        -c)
            return
            ;;
        --delay)
            COMPREPLY=($(compgen -W '0.5 1 1.5 2 3' -- "$cur"))
            return
            ;;
        --config | --cast)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return
            ;;
        --recipe | -r)
            local dir f names=()
            if dir=$(_pagelab_recipe_dir "${COMP_WORDS[0]}"); then
                for f in "$dir"/*.toml; do
                    [[ -e $f ]] || continue
                    f=${f##*/}
                    f=${f%.toml}
                    [[ $f =~ ^[0-9]+-(.*)$ ]] && f=${BASH_REMATCH[1]}
                    names+=("$f")
                done
            fi
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -W "${names[*]}" -- "$cur") $(compgen -f -X '!*.toml' -- "$cur") $(compgen -d -- "$cur"))
            return
            ;;
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -F _pagelab pagelab ./pagelab
