"""A Python Celery 5.2 app with the same task names as parcook's registry, for the
interoperability tests (tests/distributed/celery_interop_test.cpp).

    BROKER=redis+socket:///path/redis.sock python3 -m celery -A celery_app worker --pool solo
    BROKER=... python3 celery_app.py send         # send_task('parcook.add', (4, 4)).get()
"""
import os
import sys

from celery import Celery

url = os.environ["BROKER"]
app = Celery("parcook_interop", broker=url, backend=url)
app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"],
                broker_transport_options={"visibility_timeout": 60})


@app.task(name="parcook.add")
def add(x, y):
    return x + y


@app.task(name="parcook.fib")
def fib(k):
    return 1 if k <= 2 else fib(k - 1) + fib(k - 2)


if __name__ == "__main__" and sys.argv[1:] == ["send"]:
    result = app.send_task("parcook.add", (4, 4))
    print("id", result.id)
    print("result", result.get(timeout=30))
