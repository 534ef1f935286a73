#!/bin/bash -eu
# SPDX-License-Identifier: MIT
# ClusterFuzzLite entry point: the same build as OSS-Fuzz's.
exec "$SRC/httpc/fuzz/oss-fuzz/build.sh"
