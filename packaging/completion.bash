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

# pagelab class [--root DIR] init|add|join|teach|results NAME ...: the verbs, the classes under the root, and files where
# a file goes (add's KEYFILE, init's --sshd-config).
_pagelab_class()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local root=/var/lib/pagelab/class i=2 verb='' at
    if [[ ${COMP_WORDS[2]} == --root ]]; then
        root=${COMP_WORDS[3]:-$root}
        i=4
    fi
    case $prev in
        --root)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -d -- "$cur"))
            return
            ;;
        --sshd-config)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return
            ;;
        --budget|--student-memory)
            COMPREPLY=($(compgen -W '1G 2G 4G 8G' -- "$cur"))
            return
            ;;
    esac
    if ((COMP_CWORD == 2)); then
        COMPREPLY=($(compgen -W '--root init add join teach results --help' -- "$cur"))
        return
    fi
    if ((COMP_CWORD == i)); then
        COMPREPLY=($(compgen -W 'init add join teach results' -- "$cur"))
        return
    fi
    verb=${COMP_WORDS[i]}
    at=$((COMP_CWORD - i))
    if ((at == 1)); then
        local d names=()
        for d in "$root"/*/; do
            [[ -d $d ]] || continue
            d=${d%/}
            names+=("${d##*/}")
        done
        COMPREPLY=($(compgen -W "${names[*]}" -- "$cur"))
        return
    fi
    case $verb in
        init)
            COMPREPLY=($(compgen -W '--budget --student-memory --sshd-config' -- "$cur"))
            ;;
        results)
            ((at == 2)) && COMPREPLY=($(compgen -W '--json' -- "$cur"))
            ;;
        add)
            if ((at == 3)); then
                compopt -o filenames 2>/dev/null
                COMPREPLY=($(compgen -f -- "$cur"))
            fi
            ;;
    esac
}

_pagelab()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    if ((COMP_CWORD >= 2)) && [[ ${COMP_WORDS[1]} == class ]]; then
        _pagelab_class
        return
    fi
    local opts='class -c --json --json-schema --keep-going -k --no-color --config --recipe -r --check --auto --step --delay --typing --cast --help -h --version'
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
