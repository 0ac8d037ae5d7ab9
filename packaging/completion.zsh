#compdef pagelab
# zsh completion for pagelab (the launcher's options, from console/src/main/java/dev/pagelab/console/Main.java, and
# the names of the recipes installed beside it). Installed as /usr/share/zsh/vendor-completions/_pagelab.

_pagelab_recipes() {
  local bin dir
  local -a names
  bin=${commands[pagelab]:-$words[1]}
  bin=${bin:A}
  for dir in ${bin:h}/../share/pagelab/recipes ${bin:h}/recipes; do
    [[ -d $dir ]] && break
  done
  names=( $dir/*.toml(N:t:r) )
  names=( ${names#<->-} )
  _alternative 'recipes:recipe:compadd -a names' 'files:recipe file or directory:_files -g "*.toml(-.)"'
}

# pagelab class [--root DIR] init|add|join|teach|results NAME ...
_pagelab_class() {
  local root=/var/lib/pagelab/class
  local -a classes
  local i=2
  if [[ $words[2] == --root ]]; then
    root=${words[3]:-$root}
    i=4
  fi
  if (( CURRENT == 2 )); then
    _alternative 'verbs:class command:(init add join teach results)' 'options:option:(--root --help)'
    return
  fi
  if [[ $words[CURRENT-1] == --root ]]; then
    _files -/
    return
  fi
  if (( CURRENT == i )); then
    _values 'class command' \
      'init[create the group, the class directory and the sshd block (root)]' \
      'add[add a student: account, key, private directory (root)]' \
      'join[the student console (the logins ForceCommand)]' \
      'teach[the teachers console, followed live by every student]' \
      'results[the students scored predictions, as a table or JSON (root)]'
    return
  fi
  if (( CURRENT == i + 1 )); then
    classes=( $root/*(N/:t) )
    compadd -a classes
    return
  fi
  case $words[i] in
    init)
      case $words[CURRENT-1] in
        --sshd-config) _files ;;
        --budget|--student-memory) _message 'size, e.g. 4G' ;;
        *) compadd -- --budget --student-memory --sshd-config ;;
      esac
      ;;
    add)
      (( CURRENT == i + 3 )) && _files
      ;;
    results)
      (( CURRENT == i + 2 )) && compadd -- --json
      ;;
  esac
}

if [[ $words[2] == class ]] && (( CURRENT > 2 )); then
  shift words
  (( CURRENT-- ))
  _pagelab_class
  return
fi

_arguments -s -S \
  '-c[run these commands and exit]:commands (separated by ;): ' \
  '--json[one JSON object per command on stdout]' \
  '--json-schema[print the JSON Schema of the --json objects and exit]' \
  '(-k --keep-going)'{-k,--keep-going}'[do not stop at the first failing command]' \
  '--no-color[no colour]' \
  '--config[settings from this file]:settings file:_files -g "*.toml(-.)"' \
  '*'{-r,--recipe}'[replay a recipe: a .toml file, a directory or a name]:recipe:_pagelab_recipes' \
  '--check[run the recipes and check every expectation]' \
  '--auto[replay without keys, pausing after each narration]' \
  '--step[replay step by step]' \
  '--delay[pause after each narration]:seconds: ' \
  '--typing=-[type each command at this speed]::characters per second: ' \
  '--cast[also write an asciinema recording]:cast file:_files' \
  '(- *)'{-h,--help}'[show the usage]' \
  '(- *)--version[print the version]'
