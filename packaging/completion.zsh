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
