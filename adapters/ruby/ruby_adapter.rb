# SPDX-License-Identifier: MIT
# The Ruby adapter: makes the scenario's requests with Ruby's Net::HTTP on one
# started connection (HTTPS through the proxy's CONNECT tunnel for --proxy),
# reads each body with read_body, and prints the outcome object of
# adapters/PROTOCOL.md, Ruby's exceptions mapped onto adapters/TAXONOMY.md and
# the native error verbatim ("Class: message").
require 'net/http'
require 'openssl'
require 'json'
require 'base64'
require 'digest'

# Ruby's exception class -> taxonomy class; the first that the error is a kind of.
CLASSES = [
  [Net::ReadTimeout, 'TimeoutError'],
  [Net::OpenTimeout, 'TimeoutError'],
  [Net::WriteTimeout, 'TimeoutError'],
  [Net::HTTPBadResponse, 'BadStatusLine'],
  [Net::HTTPHeaderSyntaxError, 'HTTPException'],
  [Errno::ECONNRESET, 'ConnectionResetError'],
  [Errno::EPIPE, 'BrokenPipeError'],
  [Errno::ECONNREFUSED, 'ConnectionRefusedError'],
  [Net::HTTPClientException, 'OSError'], # a refused CONNECT: "407 Proxy Authentication Required"
  [Net::HTTPFatalError, 'OSError'],      # a 5xx answer to CONNECT
  [Net::HTTPRetriableError, 'OSError'],
  [Net::HTTPServerException, 'OSError']
].freeze

def classify(err, got_head)
  return 'IncompleteRead' if err.is_a?(EOFError) && got_head # the body ended early
  return 'RemoteDisconnected' if err.is_a?(EOFError)
  if err.is_a?(OpenSSL::SSL::SSLError)
    return 'SSLCertVerificationError' if err.message =~ /certificate verify failed|hostname/
    return 'SSLEOFError' if err.message =~ /unexpected eof|EOF/
    return 'SSLError'
  end
  return 'SSLCertVerificationError' if err.class.name == 'OpenSSL::SSL::SSLError'
  # Net::HTTP refuses a received field value with a CR or LF in it this way
  return 'HTTPException' if err.is_a?(ArgumentError) && err.message =~ /header field/
  hit = CLASSES.find { |k, _| err.is_a?(k) }
  return hit[1] if hit
  return 'LineTooLong' if err.message =~ /too long/i
  'Unmapped'
end

def parse_args(argv)
  reqs = []
  opts = { timeout: 10.0, proxy_headers: [] }
  cur = { method: 'GET', headers: [], data: nil }
  i = 0
  while i < argv.length
    o = argv[i]
    v = argv[i + 1]
    if %w[--insecure --verify].include?(o)
      opts[o[2..].to_sym] = true
      i += 1
      next
    end
    i += 2
    case o
    when '--before'
      m, t = v.split(' ', 2)
      reqs << { method: m, target: t, headers: [], data: nil }
    when '--before-header' then reqs[-1][:headers] << v
    when '--before-data-file' then reqs[-1][:data] = File.binread(v)
    when '-X' then cur[:method] = v
    when '-H' then cur[:headers] << v
    when '--data-file' then cur[:data] = File.binread(v)
    when '--timeout' then opts[:timeout] = v.to_f
    when '--cacert' then opts[:cacert] = v
    when '--proxy' then opts[:proxy] = v
    when '--proxy-header' then opts[:proxy_headers] << v
    when '--json' then opts[:url] = URI(v)
    when '--target' then opts[:target] = v
    else abort "ruby_adapter: unknown option #{o}"
    end
  end
  cur[:target] = opts[:target] || opts[:url].request_uri
  [reqs + [cur], opts]
end

def header_pair(line)
  k, v = line.split(':', 2)
  [k, (v || '').sub(/\A[ \t]+/, '')]
end

# A request built from a path, so Net::HTTP adds no Accept-Encoding of its own
# and decodes nothing: the body is the one received.
def build_request(q)
  m = q[:method]
  req = Net::HTTPGenericRequest.new(m, !q[:data].nil?, m != 'HEAD', q[:target])
  q[:headers].each do |h|
    k, v = header_pair(h)
    req.add_field(k, v)
  end
  req.body = q[:data] if q[:data]
  req
end

def outcome
  { error: nil, detail: '', status: nil, reason: nil, version: nil, headers: nil,
    body_len: nil, body_sha256: nil, body_b64: nil, partial_len: nil, expected_more: nil,
    will_close: nil, connection: nil, native_error: nil }
end

def set_body(out, body)
  out[:body_len] = body.bytesize
  out[:body_sha256] = Digest::SHA256.hexdigest(body)
  out[:body_b64] = body.bytesize <= (1 << 20) ? Base64.strict_encode64(body) : nil
end

def latin1(s)
  s.to_s.dup.force_encoding('ISO-8859-1').encode('UTF-8')
end

def report(out, res, body)
  out[:status] = res.code.to_i
  out[:reason] = latin1(res.message)
  out[:version] = { '1.0' => 10, '1.1' => 11 }[res.http_version]
  hs = []
  res.each_capitalized_name { |k| res.get_fields(k).each { |v| hs << [latin1(k), latin1(v)] } }
  out[:headers] = hs
  set_body(out, body)
end

def connection_for(opts)
  url = opts[:url]
  paddr, pport = opts[:proxy] ? opts[:proxy].split(':') : [nil, nil]
  http = Net::HTTP.new(url.host, url.port, paddr, pport && pport.to_i)
  http.open_timeout = http.read_timeout = http.write_timeout = opts[:timeout]
  http.keep_alive_timeout = 60
  # Net::HTTP sends an idempotent request again, on a new connection, after a
  # timeout, a reset or an EOF: the other adapters make one try (urllib3
  # retries=False, wget --tries=1), so the first failure is the outcome
  http.max_retries = 0
  if url.scheme == 'https'
    http.use_ssl = true
    http.verify_mode = opts[:insecure] ? OpenSSL::SSL::VERIFY_NONE : OpenSSL::SSL::VERIFY_PEER
    http.ca_file = opts[:cacert] if opts[:cacert]
  end
  http
end

def main
  reqs, opts = parse_args(ARGV)
  out = outcome
  if opts[:proxy] && opts[:url].scheme != 'https'
    out[:error] = 'AdapterUnsupported'
    out[:detail] = out[:native_error] = 'ruby adapter: Net::HTTP sends http:// requests to a ' \
                                        'proxy in absolute-form; it tunnels only https://'
    return puts(JSON.generate(out))
  end
  http = connection_for(opts)
  reqs.each_with_index do |q, n|
    last = n == reqs.length - 1
    res = nil
    body = String.new(encoding: 'BINARY')
    begin
      http.start unless http.started?
      http.request(build_request(q)) do |r|
        res = r
        r.read_body { |piece| body << piece }
      end
    rescue StandardError, Timeout::Error => e
      out[:error] = classify(e, !res.nil?)
      out[:native_error] = "#{e.class}: #{e.message}"
      out[:detail] = (n < reqs.length - 1 ? "request #{n + 1} of #{reqs.length}: " : '') +
                     e.message
      out[:partial_len] = body.bytesize if out[:error] == 'IncompleteRead'
    end
    report(out, res, body) if last && res
    break if out[:error]
  end
  sock = http.instance_variable_get(:@socket)
  out[:connection] = http.started? && sock && !sock.closed? ? 'kept' : 'closed'
  out[:will_close] = out[:connection] == 'closed' if out[:status] && !out[:error]
  puts JSON.generate(out)
end

main
