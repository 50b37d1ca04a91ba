# Sourced by the desktop tests: japanese_desktop DIR makes the windows they start speak Japanese.
#
# The UI follows the language WebKit reports, which is the process locale. Where ja_JP.UTF-8 is not installed, it
# is compiled into DIR (glibc's localedef, no root needed); without the locale sources the window runs in the C
# locale and speaks English, which the tests do not depend on. In a Japanese locale GTK's default input method is
# XIM, and with no input-method server on the virtual screen a focused text field (the login form's) stops WebKit
# from painting; a real desktop runs one (IBus, Fcitx), so the tests use GTK's built-in one instead.
japanese_desktop() {
  if ! locale -a 2>/dev/null | grep -qi '^ja_JP\.utf-\?8$' && [ -d /usr/share/i18n/locales ] &&
    localedef -i ja_JP -f UTF-8 "$1/ja_JP.UTF-8" 2>/dev/null; then
    export LOCPATH=$1
  fi
  export LANGUAGE=ja LANG=ja_JP.UTF-8 GTK_IM_MODULE=gtk-im-context-simple
}
