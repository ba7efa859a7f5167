"""The embedded default for state several processes share (rate limits, cached lists): Django's
database cache, with one change that rate limits need.

Django's DatabaseCache increments by reading and writing back, so two processes counting at
the same moment both write N+1 and one request goes uncounted; and the write-back resets the
entry's expiry, so a counter kept alive by a slow trickle never expires with its window. Here
the increment locks the row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
transactions already serialise writers) and keeps the expiry. Production sets REDIS_URL and
uses django-redis, whose INCR is atomic by itself.
"""

import base64
import pickle

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        now = connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(f"SELECT value FROM {table} WHERE cache_key = %s AND expires > %s{lock}", [key, now])
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(row[0].encode())) + delta
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET value = %s WHERE cache_key = %s", [encoded, key])
        return value

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version=version)
