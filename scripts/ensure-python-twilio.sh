#!/usr/bin/env bash
# Installs Debian's python3-twilio (twilio-python 7.x) for the second-client end-to-end test.
# Best effort: without it that one test says it is skipped and the rest of the suite runs.
if /usr/bin/python3 -c 'import twilio' 2>/dev/null; then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "ensure-python-twilio: installing python3-twilio from Debian's packages" >&2
{ $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-twilio >/dev/null; } \
  || echo "ensure-python-twilio: could not install python3-twilio; its test will be skipped" >&2
exit 0
