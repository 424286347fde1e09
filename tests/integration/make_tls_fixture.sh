#!/usr/bin/env bash
# Makes the TLS test fixture in DIR: a test CA, certificates (valid, expiring in 10 days, wrong
# name, expired, self-signed) and an nginx config serving them by SNI on HTTPS_PORT, with plain
# HTTP on HTTP_PORT (www.valid redirects to HTTPS). usage: make_tls_fixture.sh DIR HTTP_PORT HTTPS_PORT
set -euo pipefail
DIR=$1 HTTP=$2 HTTPS=$3
mkdir -p "$DIR"/www "$DIR"/tmp "$DIR"/ca/newcerts
cd "$DIR"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$1.key" 2>/dev/null; }
key ca
openssl req -x509 -key ca.key -out ca.crt -days 3650 -subj "/CN=govaudit test CA" 2>/dev/null
signed() {  # name cn days
  key "$1"
  openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
  printf 'subjectAltName=DNS:%s\n' "$2" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days "$3" -extfile "$1.ext" 2>/dev/null
}
signed valid www.valid.gov.cn.test 400
signed soon www.soon.gov.cn.test 10
signed wrongname www.other.gov.cn.test 400
# An expired certificate needs explicit dates: openssl ca.
touch ca/index.txt
echo 1000 > ca/serial
cat > ca.cnf <<EOF
[ca]
default_ca = d
[d]
dir = ca
database = ca/index.txt
new_certs_dir = ca/newcerts
serial = ca/serial
certificate = ca.crt
private_key = ca.key
default_md = sha256
policy = p
copy_extensions = copy
[p]
commonName = supplied
EOF
key expired
openssl req -new -key expired.key -out expired.csr -subj "/CN=www.expired.gov.cn.test" \
  -addext "subjectAltName=DNS:www.expired.gov.cn.test" 2>/dev/null
openssl ca -batch -config ca.cnf -in expired.csr -out expired.crt -startdate 20200101000000Z -enddate 20200201000000Z 2>/dev/null
key selfsigned
openssl req -x509 -key selfsigned.key -out selfsigned.crt -days 400 -subj "/CN=www.selfsigned.gov.cn.test" \
  -addext "subjectAltName=DNS:www.selfsigned.gov.cn.test" 2>/dev/null
cat > www/index.html <<'EOF'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>测试县人民政府</title></head><body><p>首页</p></body></html>
EOF
{
  echo "daemon on; pid $DIR/nginx.pid; error_log $DIR/error.log warn;"
  echo "events { worker_connections 64; }"
  echo "http { access_log off; client_body_temp_path $DIR/tmp; proxy_temp_path $DIR/tmp; fastcgi_temp_path $DIR/tmp;"
  echo "  uwsgi_temp_path $DIR/tmp; scgi_temp_path $DIR/tmp;"
  echo "  server { listen 127.0.0.1:$HTTP; server_name www.valid.gov.cn.test; return 301 https://www.valid.gov.cn.test:$HTTPS\$request_uri; }"
  echo "  server { listen 127.0.0.1:$HTTP default_server; server_name _; root $DIR/www; }"
  for s in valid soon wrongname expired selfsigned; do
    echo "  server { listen 127.0.0.1:$HTTPS ssl; server_name www.$s.gov.cn.test; ssl_certificate $DIR/$s.crt;"
    echo "           ssl_certificate_key $DIR/$s.key; root $DIR/www; }"
  done
  echo "}"
} > nginx.conf
