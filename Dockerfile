# SPDX-License-Identifier: MIT
# httpc's conformance harness in an image: httpc-conform, httpc-mock, the httpc CLI and
# libhttpc under /usr/local, the source tree (scenario library, adapters, scripts) in /src.
# Debian packages only: scripts/bootstrap installs the same list as for `make test`
# (plus the groups of HTTPC_BOOTSTRAP_GROUPS: "curl" by default, so the image runs
# adapters/curl as it is; "matrix" for curl, libcurl, Node and Go).
#
#   docker build -t httpc .                                   # or: podman build -t httpc .
#   docker build --build-arg HTTPC_BOOTSTRAP_GROUPS=matrix -t httpc:matrix .
#   docker run --rm -v "$PWD:/work" httpc conform --adapter /work/my-adapter --judge rfc --reports /work/reports
#
# The entry point is ci/entrypoint.sh: conform | mock | lint | matrix | shell | help.
ARG BASE_IMAGE=debian:12
FROM ${BASE_IMAGE}

ARG HTTPC_BOOTSTRAP_GROUPS="curl"
ENV DEBIAN_FRONTEND=noninteractive \
    LANG=C.UTF-8

# scripts/bootstrap is the one list of packages (it runs apt-get update itself when
# something is missing); scripts/ (bootstrap and what it sources) is copied first, so
# that the packages' layer survives edits elsewhere in the tree.
COPY scripts/ /src/scripts/
RUN /src/scripts/bootstrap ${HTTPC_BOOTSTRAP_GROUPS} \
 && rm -rf /var/lib/apt/lists/*

# make release runs scripts/bootstrap again (silent: nothing is missing) and builds
# build/release (which scripts/matrix also uses; -Werror stays for the debug builds of
# make test, as the optimiser brings warnings of its own); cmake --install puts the
# programs, libhttpc and (where the tree installs it) the scenario library under /usr/local.
COPY . /src
WORKDIR /src
RUN make release CMAKE_FLAGS=-DHTTPC_WERROR=OFF \
 && cmake --install build/release --prefix /usr/local \
 && ldconfig \
 && find build/release -name '*.o' -delete \
 && httpc-conform --version && httpc-mock --version

WORKDIR /work
ENTRYPOINT ["bash", "/src/ci/entrypoint.sh"]
CMD ["help"]
