# A private S3-compatible server for tests: OpenStack Swift (Debian's python3-swift) with its s3api middleware, the
# proxy, account, container and object servers all in this one process, storing under the folder given as the first
# argument. Prints {"port": N, "accessKeyId": ..., "secretAccessKey": ...} on one line once it answers, then serves
# until its standard input closes (the test ended or died).
#
# Why Swift and not s3rver: @tus/s3-store lists the parts of a multipart upload (ListParts) on every PATCH and HEAD and
# aborts uploads (AbortMultipartUpload); s3rver 3.7 answers both with 405 MethodNotAllowed, and ignores If-None-Match.
# Swift's s3api implements the multipart API, server-side copy, ranges and conditional writes as S3 does.
import json
import os
import sys
import threading

import eventlet

eventlet.monkey_patch(all=False, socket=True, select=True, time=True)

import eventlet.wsgi  # noqa: E402
from swift.common import utils  # noqa: E402
from swift.common.ring import RingBuilder  # noqa: E402
from swift.common.wsgi import loadapp  # noqa: E402

ACCOUNT, USER, KEY = 'test', 'tester', 'swift-secret-7f3a9c'


class MemoryCache:
    """Stands in for memcached, which tempauth and the proxy's info caching expect in the environment."""

    def __init__(self):
        self.data = {}

    def get(self, key, raise_on_error=False):
        return self.data.get(key)

    def set(self, key, value, serialize=True, time=0, min_compress_len=0, raise_on_error=False):
        self.data[key] = value

    def incr(self, key, delta=1, time=0):
        self.data[key] = int(self.data.get(key, 0)) + delta
        return self.data[key]

    def decr(self, key, delta=1, time=0):
        return self.incr(key, -delta, time)

    def delete(self, key, server_key=None):
        self.data.pop(key, None)

    def get_multi(self, keys, server_key):
        return [self.data.get(k) for k in keys]

    def set_multi(self, mapping, server_key, serialize=True, time=0, min_compress_len=0):
        self.data.update(mapping)


CACHE = MemoryCache()


def cache_filter_factory(global_conf, **local_conf):
    def wrap(app):
        def middleware(env, start_response):
            env['swift.cache'] = CACHE
            return app(env, start_response)
        return middleware
    return wrap


def listen():
    s = eventlet.listen(('127.0.0.1', 0))
    return s, s.getsockname()[1]


def main():
    root = os.path.abspath(sys.argv[1])
    conf_dir = os.path.join(root, 'etc')
    devices = os.path.join(root, 'srv')
    os.makedirs(conf_dir, exist_ok=True)
    os.makedirs(os.path.join(devices, 'sda'), exist_ok=True)
    with open(os.path.join(conf_dir, 'swift.conf'), 'w') as f:
        f.write('[swift-hash]\nswift_hash_path_suffix = watchfloor-test\n\n[storage-policy:0]\nname = gold\ndefault = yes\n')
    utils.set_swift_dir(conf_dir)

    socks = {name: listen() for name in ('proxy', 'account', 'container', 'object')}
    for name in ('account', 'container', 'object'):
        builder = RingBuilder(4, 1, 1)
        builder.add_dev({'id': 0, 'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': socks[name][1], 'device': 'sda', 'weight': 1})
        builder.rebalance()
        builder.get_ring().save(os.path.join(conf_dir, f'{name}.ring.gz'))

    common = f'[DEFAULT]\nswift_dir = {conf_dir}\ndevices = {devices}\nmount_check = false\nlog_level = ERROR\nlog_name = swift\n\n'
    confs = {
        'proxy': common + (
            '[pipeline:main]\n'
            'pipeline = catch_errors gatekeeper proxy-logging cache listing_formats bulk s3api tempauth copy slo dlo proxy-logging proxy-server\n\n'
            '[app:proxy-server]\nuse = egg:swift#proxy\naccount_autocreate = true\n\n'
            '[filter:catch_errors]\nuse = egg:swift#catch_errors\n\n'
            '[filter:gatekeeper]\nuse = egg:swift#gatekeeper\n\n'
            '[filter:proxy-logging]\nuse = egg:swift#proxy_logging\naccess_log_level = ERROR\n\n'
            f'[filter:cache]\npaste.filter_factory = {__name__}:cache_filter_factory\n\n'
            '[filter:listing_formats]\nuse = egg:swift#listing_formats\n\n'
            '[filter:bulk]\nuse = egg:swift#bulk\n\n'
            '[filter:s3api]\nuse = egg:swift#s3api\nlocation = us-east-1\nmax_upload_part_num = 10000\n\n'
            f'[filter:tempauth]\nuse = egg:swift#tempauth\nuser_{ACCOUNT}_{USER} = {KEY} .admin\n\n'
            '[filter:copy]\nuse = egg:swift#copy\n\n'
            '[filter:slo]\nuse = egg:swift#slo\n\n'
            '[filter:dlo]\nuse = egg:swift#dlo\n'
        ),
        'account': common + '[pipeline:main]\npipeline = account-server\n\n[app:account-server]\nuse = egg:swift#account\n',
        'container': common + '[pipeline:main]\npipeline = container-server\n\n[app:container-server]\nuse = egg:swift#container\n',
        'object': common + '[pipeline:main]\npipeline = object-server\n\n[app:object-server]\nuse = egg:swift#object\n',
    }
    for name, sock_port in socks.items():
        path = os.path.join(conf_dir, f'{name}-server.conf')
        with open(path, 'w') as f:
            f.write(confs[name])
        app = loadapp(path)
        eventlet.spawn(eventlet.wsgi.server, sock_port[0], app, log=open(os.devnull, 'w'), log_output=False)

    port = socks['proxy'][1]
    print(json.dumps({'port': port, 'accessKeyId': f'{ACCOUNT}:{USER}', 'secretAccessKey': KEY}), flush=True)

    # Ends with the test: when standard input closes (an OS thread, outside eventlet's hub).
    def watch_stdin():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    while True:
        eventlet.sleep(3600)


if __name__ == '__main__':
    main()
