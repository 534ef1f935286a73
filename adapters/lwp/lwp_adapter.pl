# SPDX-License-Identifier: MIT
# The LWP adapter (Debian's libwww-perl, Net::HTTP underneath): makes the
# scenario's requests with one LWP::UserAgent keeping its connection in a
# LWP::ConnCache (HTTPS through the proxy's CONNECT tunnel for --proxy), and
# prints the outcome object of adapters/PROTOCOL.md. LWP does not die: a
# failed request is a response it makes up itself (500, "Client-Warning:
# Internal response", the error as its message) and a body cut short carries
# an X-Died header; the adapter turns both back into errors, mapped onto
# adapters/TAXONOMY.md with LWP's text verbatim in native_error.
use strict;
use warnings;
use LWP::UserAgent;
use LWP::ConnCache;
use HTTP::Request;
use JSON::PP;
use MIME::Base64 qw(encode_base64);
use Digest::SHA qw(sha256_hex);

# LWP's and Net::HTTP's messages -> class; the first match wins.
my @MESSAGES = (
    [qr/establishing SSL tunnel failed/, 'OSError'],    # a refused CONNECT
    [qr/Server closed connection without sending any data back/, 'RemoteDisconnected'],
    [qr/timeout|timed out/i, 'TimeoutError'],
    [qr/Connection reset by peer/, 'ConnectionResetError'],
    [qr/Broken pipe/, 'BrokenPipeError'],
    [qr/Connection refused/, 'ConnectionRefusedError'],
    [qr/certificate verify failed|hostname verification failed/i, 'SSLCertVerificationError'],
    [qr/unexpected eof while reading/i, 'SSLEOFError'],
    [qr/SSL|TLS/, 'SSLError'],
    [qr/line too long|Too many header/i, 'LineTooLong'],
    [qr/chunk|Premature|Unexpected EOF|Content-Length/i, 'IncompleteRead'],
    [qr/status line/i, 'BadStatusLine'],
    [qr/header/i, 'HTTPException'],
);

# Fields LWP adds to a response itself: not from the wire.
my %OWN = map { lc($_) => 1 } qw(Client-Date Client-Peer Client-Response-Num
    Client-Warning Client-Aborted X-Died Client-Junk Client-SSL-Cert-Issuer
    Client-SSL-Cert-Subject Client-SSL-Cipher Client-SSL-Socket-Class Client-SSL-Version);

sub classify {
    my ($msg) = @_;
    for my $m (@MESSAGES) {
        return $m->[1] if $msg =~ $m->[0];
    }
    return 'Unmapped';
}

sub parse_args {
    my @argv = @_;
    my (@reqs, %o);
    %o = (timeout => 10, proxy_headers => []);
    my $cur = {method => 'GET', headers => [], data => undef};
    while (@argv) {
        my $opt = shift @argv;
        if ($opt eq '--insecure' || $opt eq '--verify') { $o{substr($opt, 2)} = 1; next }
        my $v = shift @argv;
        if ($opt eq '--before') {
            my ($m, $t) = split / /, $v, 2;
            push @reqs, {method => $m, target => $t, headers => [], data => undef};
        }
        elsif ($opt eq '--before-header') { push @{$reqs[-1]{headers}}, $v }
        elsif ($opt eq '--before-data-file') { $reqs[-1]{data} = slurp($v) }
        elsif ($opt eq '-X') { $cur->{method} = $v }
        elsif ($opt eq '-H') { push @{$cur->{headers}}, $v }
        elsif ($opt eq '--data-file') { $cur->{data} = slurp($v) }
        elsif ($opt eq '--timeout') { $o{timeout} = $v }
        elsif ($opt eq '--cacert') { $o{cacert} = $v }
        elsif ($opt eq '--proxy') { $o{proxy} = $v }
        elsif ($opt eq '--proxy-header') { push @{$o{proxy_headers}}, $v }
        elsif ($opt eq '--json') { $o{url} = $v }
        elsif ($opt eq '--target') { $o{target} = $v }
        else { die "lwp_adapter: unknown option $opt\n" }
    }
    my ($origin, $path) = $o{url} =~ m{^(https?://[^/]+)(/.*)?$};
    $o{origin} = $origin;
    $o{scheme} = $o{url} =~ /^https/ ? 'https' : 'http';
    $cur->{target} = $path // '/';
    return ([@reqs, $cur], \%o);
}

sub slurp {
    my ($path) = @_;
    open my $f, '<:raw', $path or die "lwp_adapter: $path: $!\n";
    local $/;
    return scalar <$f>;
}

sub user_agent {
    my ($o) = @_;
    my $ua = LWP::UserAgent->new(keep_alive => 1, timeout => $o->{timeout}, max_redirect => 0,
                                 env_proxy => 0, agent => 'libwww-perl/' . $LWP::VERSION);
    $ua->conn_cache(LWP::ConnCache->new(total_capacity => 1));
    $ua->requests_redirectable([]);
    if ($o->{scheme} eq 'https') {
        $ua->ssl_opts(verify_hostname => $o->{insecure} ? 0 : 1,
                      SSL_verify_mode => $o->{insecure} ? 0 : 1,
                      $o->{cacert} ? (SSL_ca_file => $o->{cacert}) : ());
    }
    $ua->proxy(['https'], "http://$o->{proxy}") if $o->{proxy};
    return $ua;
}

sub latin1 { my ($s) = @_; return defined $s ? $s : '' }

sub main {
    my ($reqs, $o) = parse_args(@ARGV);
    my %out = (error => undef, detail => '', status => undef, reason => undef, version => undef,
               headers => undef, body_len => undef, body_sha256 => undef, body_b64 => undef,
               partial_len => undef, expected_more => undef, will_close => undef,
               connection => undef, native_error => undef);
    my $why;
    $why = 'LWP builds the request target from a URL; it cannot send ' . $o->{target}
        if $o->{target};
    $why = 'LWP sends http:// requests to a proxy in absolute-form; it tunnels only https://'
        if $o->{proxy} && $o->{scheme} ne 'https';
    $why = 'LWP cannot add header fields to its CONNECT request' if @{$o->{proxy_headers}};
    if ($why) {
        @out{qw(error detail native_error)} = ('AdapterUnsupported', "lwp adapter: $why",
                                               "lwp adapter: $why");
        return \%out;
    }
    my $ua = user_agent($o);
    my $n = @$reqs;
    for my $i (0 .. $n - 1) {
        my $q = $reqs->[$i];
        my $last = $i == $n - 1;
        my $req = HTTP::Request->new($q->{method}, $o->{origin} . $q->{target});
        for my $h (@{$q->{headers}}) {
            my ($k, $v) = split /:/, $h, 2;
            $v =~ s/^[ \t]+//;
            $req->push_header($k => $v);
        }
        $req->content($q->{data}) if defined $q->{data};
        my $res = $ua->request($req);
        my $internal = ($res->header('Client-Warning') // '') eq 'Internal response';
        my $died = $res->header('X-Died');
        my $err = $internal ? $res->message : $died;
        if (defined $err) {
            $err =~ s/\s+$//;
            $out{error} = classify($err);
            $out{native_error} = ($internal ? 'LWP internal response ' . $res->code . ': '
                                  : 'X-Died: ') . $err;
            $out{detail} = ($i < $n - 1 ? sprintf('request %d of %d: ', $i + 1, $n) : '') . $err;
        }
        if ($last && !$internal) {
            $out{status} = $res->code + 0;
            $out{reason} = latin1($res->message);
            my ($maj, $min) = ($res->protocol // '') =~ m{HTTP/(\d)\.(\d)};
            $out{version} = defined $maj ? $maj * 10 + $min : undef;
            my @hs;
            $res->headers->scan(sub {
                my ($k, $v) = @_;
                $k = 'Transfer-Encoding' if lc $k eq 'client-transfer-encoding'; # LWP renames it
                push @hs, [$k, $v] unless $OWN{lc $k};
            });
            $out{headers} = \@hs;
            my $body = $res->content // '';
            $out{body_len} = length $body;
            $out{body_sha256} = sha256_hex($body);
            $out{body_b64} = length($body) <= (1 << 20) ? encode_base64($body, '') : undef;
            $out{partial_len} = length $body if ($out{error} // '') eq 'IncompleteRead';
        }
        last if $out{error};
    }
    # LWP deposits a connection it may reuse in its cache, and drops the others
    my @kept = $ua->conn_cache->get_connections;
    $out{connection} = @kept ? 'kept' : 'closed';
    $out{will_close} = @kept ? JSON::PP::false : JSON::PP::true
        if defined $out{status} && !$out{error};
    return \%out;
}

my $out = main();
# code points are the bytes received: JSON::PP escapes them as \u00XX
print JSON::PP->new->ascii->canonical->encode($out), "\n";
