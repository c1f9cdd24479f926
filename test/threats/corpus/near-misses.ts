/**
 * One or more benign near misses per rule: processes that share a rule's surface (its tool,
 * path, flag or shape) and must stay silent. test/threats/near-misses.test.ts checks every
 * rule has one; the corpus test counts them with the other benign scenarios.
 */
import { bashc, pipedFrom, proc, scenario, shc, tcp, TTY } from './build.ts'
import type { Scenario } from './build.ts'

export interface NearMiss extends Scenario {
  /** The rule this scenario nearly fires. */
  readonly rule: string
}

const pod = { container: true, parents: ['containerd-shim', 'systemd'] }
const admin = { uid: 1000, user: 'alice', parents: ['bash', 'sshd', 'sshd', 'systemd'], stdio: TTY }
const sudo = { parents: ['sudo', 'bash', 'sshd', 'sshd'], stdio: TTY }
const n = (rule: string, name: string, process: Scenario['process']): NearMiss => ({ ...scenario('benign', `near miss of ${rule}: ${name}`, process), rule })

export const nearMisses: readonly NearMiss[] = [
  // crypto_miners
  n('miner_stratum_url', 'a doc search for the word stratum', proc('grep -ri stratum /usr/share/doc/geology/README', admin)),
  n('miner_known_binary', 'a man page lookup of xmrig', proc('apt-cache search xmrig', admin)),
  n('miner_pool_domain', 'a DNS check of a pool-like internal name', proc('dig +short pool.ntp.org', admin)),
  n('miner_options', 'a compressor with --algo', proc('zstd --ultra -22 --long=27 -T0 backup.tar', admin)),
  n('miner_wallet_address', 'a git commit hash in the arguments', proc('git show 4b825dc642cb6eb9a060e54bf8d69288fbee4904', admin)),
  n('miner_msr_tuning', 'reading (not writing) an MSR with rdmsr', proc('rdmsr -a 0x1a0', sudo)),
  n('miner_pool_connection', 'a client on port 3000 (Grafana), not a pool port', proc('/usr/share/grafana/bin/grafana server', { ...pod, connections: [tcp('10.0.0.7', 3000)] })),
  n(
    'miner_sustained_cpu_untrusted',
    'a training job at full CPU from /opt',
    proc('/opt/conda/bin/python train.py', { uid: 1000, user: 'ml', container: true, cpu: { cores: 7.8, ageSeconds: 36000 }, parents: ['bash', 'containerd-shim'] }),
  ),
  // reverse shells
  n('shell_stdio_socket', 'a shell on a TTY over sshd', proc('-bash', { ...admin, comm: 'bash' })),
  n('dev_tcp_shell', 'a bash /dev/tcp port probe, no shell handed over', bashc('timeout 1 bash -c "echo > /dev/tcp/10.0.0.5/5432" && echo open', pod)),
  n('netcat_exec', 'nc -z port scan of one port, no -e', proc('nc -z -w 2 10.0.0.5 5432', pod)),
  n('fifo_shell_relay', 'mkfifo for a log pipe', shc('mkfifo /tmp/app.log.pipe && tail -f /tmp/app.log.pipe | logger -t app', pod)),
  n(
    'network_client_shell',
    'openssl s_client checking a certificate',
    shc('echo | openssl s_client -connect example.com:443 -servername example.com 2>/dev/null | openssl x509 -noout -dates', admin),
  ),
  n('scripted_reverse_shell', 'python socket health check', proc(['python3', '-c', 'import socket; s=socket.create_connection(("10.0.0.5", 5432), 2); s.close()'], pod)),
  n('shell_tty_upgrade', 'script recording a session to a file', proc('script -q -a /var/log/session.log', admin)),
  n('service_account_shell', 'www-data running a php cron script', proc('php /var/www/html/cron.php', { uid: 33, user: 'www-data', parents: ['cron', 'systemd'] })),
  n('service_spawned_shell', 'nginx running its own health script', shc('/usr/local/bin/healthcheck.sh', { container: true, parents: ['nginx', 'containerd-shim'] })),
  // privilege escalation
  n('setuid_bit_set', 'chmod u+x on a script', proc('chmod u+x /opt/app/bin/start.sh', sudo)),
  n('dangerous_capability', 'setcap cap_net_bind_service on a web server', proc('setcap cap_net_bind_service=+ep /usr/local/bin/caddy', sudo)),
  n('sudoers_tampering', 'visudo -c syntax check', proc('visudo -c', sudo)),
  n('root_account_created', 'useradd of an ordinary user', proc('useradd -m -s /bin/bash -G docker deploy', sudo)),
  n('admin_group_added', 'usermod adding a user to docker', proc('usermod -aG video ml', sudo)),
  n('pkexec_no_arguments', 'pkexec with a command', proc('pkexec /usr/bin/gparted', admin)),
  n('sudoedit_overflow', 'sudoedit of a file', proc('sudoedit /etc/hosts', admin)),
  n('setuid_shell', 'root running its own shell after sudo -i', proc('-bash', { comm: 'bash', parents: ['sudo', 'bash', 'sshd'], stdio: TTY })),
  n('shell_escape', 'vim editing a file', proc('vim /etc/nginx/nginx.conf', sudo)),
  n('host_namespace_escape', 'nsenter into a pod netns for tcpdump', proc('nsenter -t 4242 -n tcpdump -i eth0 -c 10', sudo)),
  n('host_disk_mount_in_container', 'mount of a tmpfs in an init container', proc('mount -t tmpfs tmpfs /cache', { container: true, parents: ['sh', 'containerd-shim'] })),
  n('kernel_callback_escape', 'reading core_pattern', proc('cat /proc/sys/kernel/core_pattern', admin)),
  n('privesc_tooling', 'lynis audit by an admin', proc('apt-get install -y lynis', sudo)),
  n('setuid_discovery', 'find of large files', proc('find / -xdev -type f -size +1G', sudo)),
  n('glibc_tunables_exploit', 'a valid GLIBC_TUNABLES', shc('GLIBC_TUNABLES=glibc.malloc.arena_max=2 /usr/bin/java -jar app.jar', pod)),
  n('credential_file_permissions', 'chmod 600 on a private key', proc('chmod 600 /home/alice/.ssh/id_ed25519', admin)),
  // suspicious network
  n('download_piped_to_shell', 'the Docker installer from get.docker.com', shc('curl -fsSL https://get.docker.com | sh', sudo)),
  n('download_exec_loop', 'a loop fetching metrics into a file', bashc('while true; do curl -s http://localhost:9100/metrics > /tmp/m.txt; sleep 15; done', pod)),
  n(
    'network_pipe_to_interpreter',
    'curl from get.docker.com piped to sh (a known installer)',
    proc('sh', { ...pipedFrom('curl -fsSL https://get.docker.com', [tcp('54.230.10.5', 443)]), parents: ['bash', 'sudo'] }),
  ),
  n('network_pipe_to_interpreter', 'a script file piped to sh by cat (no network)', proc('sh', { ...pipedFrom('cat /opt/setup.sh', []), parents: ['bash'] })),
  n(
    'network_pipe_to_interpreter',
    'kubectl logs piped to a python script file',
    proc('python3 /opt/tools/parse.py', { ...pipedFrom('kubectl logs -f deploy/api', [tcp('10.0.0.1', 6443)]), parents: ['bash'] }),
  ),
  n(
    'network_pipe_to_interpreter',
    'curl piped to jq, not an interpreter',
    proc('jq .items', { ...pipedFrom('curl -s http://10.0.0.5:8080/api', [tcp('10.0.0.5', 8080)]), parents: ['bash'] }),
  ),
  n(
    'download_exec_temp',
    'a release tarball into /opt',
    shc('curl -fsSLo /opt/helm.tar.gz https://get.helm.sh/helm-v3.14.0-linux-amd64.tar.gz && tar -C /opt -xzf /opt/helm.tar.gz', sudo),
  ),
  n('network_scanner', 'ping of one host', proc('ping -c 3 10.0.0.1', admin)),
  n('tunnel_tool', 'kubectl port-forward to localhost', proc('kubectl port-forward svc/grafana 3000:80', admin)),
  n('ssh_reverse_tunnel', 'ssh -L local forward to an internal database', proc('ssh -N -L 5432:db.internal:5432 bastion.internal', admin)),
  n('netcat_public_ip', 'nc to an internal address', proc('nc -vz 10.0.0.5 443', admin)),
  n('anonymizing_proxy', 'an HTTP proxy from the environment', shc('https_proxy=http://proxy.internal:3128 curl -fsS https://pypi.org/simple/', pod)),
  // data exfiltration
  n('archive_to_network', 'tar of a build directory to a local file', proc('tar czf /backup/build.tgz /srv/build', sudo)),
  n('upload_to_file_share', 'curl upload to the internal artifact store', proc('curl -fsS -T build.tgz https://artifacts.internal/upload/build.tgz', pod)),
  n(
    'http_post_external',
    'wget GET of a release',
    proc('wget -q https://github.com/prometheus/node_exporter/releases/download/v1.8.0/node_exporter-1.8.0.linux-amd64.tar.gz', sudo),
  ),
  n('sensitive_file_upload', 'curl posting JSON metrics internally', proc(['curl', '-X', 'POST', '-d', '{"status":"ok"}', 'http://collector.internal:8080/report'], pod)),
  n('credential_file_read', 'cat of a public key', proc('cat /home/alice/.ssh/id_ed25519.pub', admin)),
  n('credential_search', 'grep for a config key in one file', proc('grep -n listen /etc/nginx/nginx.conf', admin)),
  n('dns_exfiltration', 'dig of an ordinary name', proc('dig +short api.github.com', admin)),
  n('icmp_exfiltration', 'ping with a packet size', proc('ping -c 4 -s 1400 10.0.0.1', admin)),
  n('cloud_credentials_theft', 'metadata instance id', proc('curl -s http://169.254.169.254/latest/meta-data/instance-id', { parents: ['cloud-init', 'systemd'] })),
  n('kubernetes_secrets_dump', 'kubectl get pods from a CI pod', proc('kubectl get pods -n ci', { container: true, parents: ['bash', 'containerd-shim'] })),
  // system modification
  n('firewall_disabled', 'iptables listing rules', proc('iptables -L -n -v', sudo)),
  n('security_controls_disabled', 'getenforce', proc('getenforce', admin)),
  n('kernel_hardening_disabled', 'reading randomize_va_space', proc('sysctl kernel.randomize_va_space', admin)),
  n('kernel_module_untrusted', 'modprobe of a packaged module', proc('modprobe nvidia-uvm', { parents: ['nvidia-persistenced', 'systemd'] })),
  n('system_binary_replaced', 'apt upgrade replacing binaries', proc('dpkg --unpack /var/cache/apt/archives/coreutils_9.4-3_amd64.deb', { parents: ['apt-get', 'sudo', 'bash'] })),
  n('immutable_attribute', 'lsattr of a file', proc('lsattr /etc/resolv.conf', admin)),
  n('destructive_wipe', 'rm -rf of a build directory', proc('rm -rf /srv/build/tmp', sudo)),
  n('mass_permission_change', 'chmod -R on an app directory', proc('chmod -R g+w /srv/app/uploads', sudo)),
  // persistence
  n('cron_persistence', 'crontab -l', proc('crontab -l', admin)),
  n('systemd_persistence', 'systemctl enable of a packaged unit', proc('systemctl enable --now nginx.service', sudo)),
  n('shell_profile_backdoor', 'an alias appended to .bashrc', shc('echo "alias ll=\'ls -la\'" >> /home/alice/.bashrc', admin)),
  n('ssh_key_implant', 'ssh-keygen of a new key', proc('ssh-keygen -t ed25519 -f /home/alice/.ssh/id_ed25519 -N ""', admin)),
  n('ld_preload_persistence', 'ldconfig refresh', proc('ldconfig', { parents: ['dpkg', 'apt-get'] })),
  n('boot_script_persistence', 'reading rc.local', proc('cat /etc/rc.local', admin)),
  n('udev_rule_persistence', 'udevadm reload', proc('udevadm control --reload-rules', sudo)),
  n('static_pod_implant', 'listing the static-pod directory', proc('ls -l /etc/kubernetes/manifests', sudo)),
  n('web_shell_dropped', 'deploying a static HTML page', shc('cp /srv/build/index.html /var/www/html/index.html', { parents: ['rsync', 'sshd'] })),
  n('at_job_persistence', 'atq listing jobs', proc('atq', admin)),
  n('ssh_config_backdoor', 'sshd -t config test', proc('sshd -t', sudo)),
  n('cluster_admin_backdoor', 'a rolebinding to view for a team', proc('kubectl create rolebinding team-view --clusterrole=view --group=team-a -n team-a', admin)),
  // defense evasion
  n('kernel_thread_masquerade', 'a real kernel thread', proc(['[kworker/0:1]'], { comm: 'kworker/0:1', kernelThread: true, exe: '', parents: ['kthreadd'] })),
  n('memfd_executable', 'runc memfd clone', proc(['runc', 'init'], { comm: 'runc:[1:CHILD]', exe: '/memfd:runc_cloned:/proc/self/exe', deleted: true })),
  n('deleted_executable', 'sshd replaced by an upgrade', proc('/usr/sbin/sshd -D', { deleted: true, exe: '/usr/sbin/sshd' })),
  n('exec_from_dev_shm', 'a program writing to /dev/shm', proc('python3 /opt/app/worker.py --shm-dir /dev/shm/app', pod)),
  n(
    'hidden_temp_executable',
    'a program in a non-hidden temp dir from a package build',
    proc('/tmp/build-1234/configure --prefix=/usr', { parents: ['make', 'dpkg-buildpackage'] }),
  ),
  n('system_name_untrusted_path', 'sshd from /usr/sbin', proc('/usr/sbin/sshd -D', { parents: ['systemd'] })),
  n('argv0_spoofing', 'a login shell with a leading dash', proc('-bash', { ...admin, comm: 'bash', exe: '/usr/bin/bash' })),
  n('ld_preload_untrusted', 'LD_PRELOAD of jemalloc from /usr/lib', shc('LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/bin/redis-server /etc/redis/redis.conf', pod)),
  n('obfuscated_execution', 'base64 decoding a config into a file', shc('echo "$CONFIG_B64" | base64 -d > /etc/app/config.yaml', pod)),
  n('history_tampering', 'history -a by an admin', proc('bash -c "history -a"', admin)),
  n('log_tampering', 'logrotate', proc('/usr/sbin/logrotate /etc/logrotate.conf', { parents: ['cron', 'systemd'] })),
  n('timestomp', 'touch of a marker file', proc('touch /var/run/app.ready', pod)),
  n('process_hiding_mount', 'mount of a tmpfs on /run/app', proc('mount -t tmpfs tmpfs /run/app', sudo)),
]
