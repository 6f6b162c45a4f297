#!/usr/bin/env bash
# Start a throwaway ClickHouse server on 127.0.0.1 (HTTP 8123, native 9000) with its data in a
# temporary directory. Used by .ci/run and by developers; does nothing if one already answers.
set -euo pipefail
if curl -fsS --max-time 2 http://127.0.0.1:8123/ping >/dev/null 2>&1; then
  echo "clickhouse: already running on 127.0.0.1:8123"; exit 0
fi
bin=$(command -v clickhouse-server || command -v clickhouse || true)
if [ -z "$bin" ]; then echo "clickhouse: not installed" >&2; exit 1; fi
dir=${CLICKHOUSE_DATA_DIR:-$(mktemp -d /tmp/strata-clickhouse.XXXXXX)}
mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/log"
# Our own minimal config: the packaged one listens on ::1 too and logs under /var/log.
cat > "$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/error.log</errorlog><size>100M</size><count>2</count></logger>
  <http_port>8123</http_port>
  <tcp_port>9000</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <max_connections>256</max_connections>
  <keep_alive_timeout>3</keep_alive_timeout>
  <max_concurrent_queries>100</max_concurrent_queries>
  <mark_cache_size>268435456</mark_cache_size>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <remote_servers>
    <strata_local>
      <shard><replica><host>127.0.0.1</host><port>9000</port></replica></shard>
    </strata_local>
  </remote_servers>
</yandex>
XML
cat > "$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage><load_balancing>random</load_balancing></default></profiles>
  <users><default><password></password><networks><ip>::/0</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
if [ "$(basename "$bin")" = clickhouse ]; then set -- "$bin" server; else set -- "$bin"; fi
nohup "$@" --config-file="$dir/config.xml" >"$dir/log/stdout.log" 2>&1 &
echo $! > "$dir/pid"
for _ in $(seq 1 60); do
  if curl -fsS --max-time 1 http://127.0.0.1:8123/ping >/dev/null 2>&1; then
    echo "clickhouse: started (pid $(cat "$dir/pid"), data in $dir)"; exit 0
  fi
  sleep 0.5
done
echo "clickhouse: did not start; log follows" >&2
tail -50 "$dir/log/stdout.log" "$dir/log/error.log" >&2 || true
exit 1
