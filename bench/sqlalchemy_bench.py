#!/usr/bin/env python3
"""The "blog" benchmark written with SQLAlchemy 1.4's ORM: the Python peer of
relate-bench and raw-sqlite-bench. It builds the same deterministic data set as
bench/blog_bench.hpp (users, one profile each, posts, tags and post_tags links),
runs the same six workloads, each in a fresh SQLite database with only the ORM
work timed, and prints one JSON line per workload whose checksum must match the
C++ programs' byte for byte. Needs Debian 12's python3-sqlalchemy (1.4) and the
standard library only.
"""

import argparse
import os
import resource
import sys
import tempfile
import time

try:
    from sqlalchemy import (
        Column,
        ForeignKey,
        Index,
        Integer,
        Table,
        Text,
        create_engine,
        event,
        select,
    )
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError
    from sqlalchemy.orm import (
        Session,
        declarative_base,
        joinedload,
        lazyload,
        relationship,
        selectinload,
    )
except ImportError as error:  # a Python without Debian's python3-sqlalchemy
    sys.exit(
        f"sqlalchemy_bench.py: cannot import SQLAlchemy ({error}); install "
        f"python3-sqlalchemy and run it with the system Python (/usr/bin/python3)"
    )

WORKLOADS = [
    "insert",
    "load_lazy",
    "load_joined",
    "load_selectin",
    "m2m_selectin",
    "cascade_delete",
]

# ---- The models ----

Base = declarative_base()

post_tags = Table(
    "post_tags",
    Base.metadata,
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    # The primary key covers lookups by post_id; tag_id needs its own index.
    Index("ix_post_tags_tag_id", "tag_id"),
)


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(Text, nullable=False)
    # passive_deletes: the database's ON DELETE CASCADE removes the children, so
    # deleting a user neither loads nor deletes them one by one.
    posts = relationship(
        "Post",
        order_by="Post.id",
        back_populates="author",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    profile = relationship(
        "Profile", uselist=False, cascade="all, delete-orphan", passive_deletes=True
    )


class Profile(Base):
    __tablename__ = "profiles"
    id = Column(Integer, primary_key=True)
    user_id = Column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    bio = Column(Text, nullable=False)


class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
    name = Column(Text, nullable=False)


class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False
    )
    title = Column(Text, nullable=False)
    body = Column(Text, nullable=False)
    author = relationship("User", back_populates="posts")
    tags = relationship("Tag", secondary=post_tags, order_by="Tag.id", passive_deletes=True)


# ---- The data set (the formulas of blog_bench.hpp) ----


def user_name(i):
    return f"user{i}"


def profile_bio(i):
    return f"bio {i}"


def tag_name(i):
    return f"tag{i}"


def post_title(i):
    return f"post {i}"


def post_body(i):
    return f"Body of post {i}. " + "lorem ipsum dolor sit amet " * 4


def post_user(post_id, posts_per_user):
    return (post_id - 1) // posts_per_user + 1


def post_tag_ids(p, tags):
    """The tags of post p, sorted, without repeats."""
    return sorted({p % tags + 1, (7 * p) % tags + 1, (13 * p) % tags + 1})


class DataSet:
    def __init__(self, users, posts_per_user, tags):
        self.users = users
        self.posts_per_user = posts_per_user
        self.tags = tags

    @property
    def posts(self):
        return self.users * self.posts_per_user

    def post_ids(self):
        return range(1, self.posts + 1)

    def link_count(self):
        return sum(len(post_tag_ids(p, self.tags)) for p in self.post_ids())


# ---- Checksums (the JSON text of blog_bench.hpp, built by hand to match it) ----


class LoadChecksum:
    """Every user in id order, then each of its posts in collection order."""

    def __init__(self):
        self.users = self.posts = 0
        self.sum_post_id = self.sum_post_user_id = 0
        self.sum_title_len = self.sum_body_len = self.order_hash = 0

    def user(self):
        self.users += 1

    def post(self, position, post_id, user_id, title_len, body_len):
        self.posts += 1
        self.sum_post_id += post_id
        self.sum_post_user_id += user_id
        self.sum_title_len += title_len
        self.sum_body_len += body_len
        self.order_hash += (position + 1) * post_id

    def json(self):
        return (
            f'{{"users": {self.users}, "posts": {self.posts}, '
            f'"sum_post_id": {self.sum_post_id}, "sum_post_user_id": {self.sum_post_user_id}, '
            f'"sum_title_len": {self.sum_title_len}, "sum_body_len": {self.sum_body_len}, '
            f'"order_hash": {self.order_hash}}}'
        )


class TagChecksum:
    """Every post in id order, then each of its tags in collection order."""

    def __init__(self):
        self.posts = self.links = 0
        self.sum_tag_id = self.sum_post_x_tag = self.sum_tag_name_len = self.order_hash = 0

    def post(self):
        self.posts += 1

    def tag(self, position, post_id, tag_id, name_len):
        self.links += 1
        self.sum_tag_id += tag_id
        self.sum_post_x_tag += post_id * tag_id
        self.sum_tag_name_len += name_len
        self.order_hash += (position + 1) * tag_id

    def json(self):
        return (
            f'{{"posts": {self.posts}, "links": {self.links}, '
            f'"sum_tag_id": {self.sum_tag_id}, "sum_post_x_tag": {self.sum_post_x_tag}, '
            f'"sum_tag_name_len": {self.sum_tag_name_len}, "order_hash": {self.order_hash}}}'
        )


def tables_checksum(engine, posts_per_user):
    """What the tables hold, read back with plain SELECTs (no ORM involved)."""
    bad = 0

    def table(rows, check):
        nonlocal bad
        count = total = 0
        for row in rows:
            count += 1
            total += int(row[0])
            if not check(int(row[0]), row):
                bad += 1
        return f"[{count}, {total}]"

    with engine.connect() as conn:

        def query(sql):
            return conn.exec_driver_sql(sql).fetchall()

        users = table(
            query("SELECT id, name FROM users"), lambda i, r: r[1] == user_name(i)
        )
        profiles = table(
            query("SELECT id, user_id, bio FROM profiles"),
            lambda i, r: int(r[1]) == i and r[2] == profile_bio(i),
        )
        tags = table(query("SELECT id, name FROM tags"), lambda i, r: r[1] == tag_name(i))
        posts = table(
            query("SELECT id, user_id, title, body FROM posts"),
            lambda i, r: int(r[1]) == post_user(i, posts_per_user)
            and r[2] == post_title(i)
            and r[3] == post_body(i),
        )
        links = link_sum = 0
        for post_id, tag_id in query("SELECT post_id, tag_id FROM post_tags"):
            links += 1
            link_sum += int(post_id) * 1000 + int(tag_id)
    return (
        f'{{"users": {users}, "profiles": {profiles}, "tags": {tags}, '
        f'"posts": {posts}, "post_tags": [{links}, {link_sum}], "bad_rows": {bad}}}'
    )


# ---- The database ----


class StatementCounter:
    """Counts statements sent through the engine; an executemany counts once.

    pysqlite begins and commits transactions inside the DBAPI, so BEGIN and
    COMMIT never reach this event and need no filtering."""

    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1


def enable_foreign_keys(dbapi_connection, connection_record):
    # SQLite leaves foreign keys off per connection; ON DELETE CASCADE needs them.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def fresh_engine(url):
    """An engine on an empty blog schema at url."""
    engine = create_engine(url, future=True)
    event.listen(engine, "connect", enable_foreign_keys)
    # A fresh file is already empty; a URL given by the user may hold an earlier run.
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    return engine


def seed(engine, data):
    """Fills every table with Core executemany inserts in one transaction."""
    posts = data.post_ids()
    with engine.begin() as conn:
        conn.execute(
            User.__table__.insert(),
            [{"id": i, "name": user_name(i)} for i in range(1, data.users + 1)],
        )
        conn.execute(
            Profile.__table__.insert(),
            [{"id": i, "user_id": i, "bio": profile_bio(i)} for i in range(1, data.users + 1)],
        )
        conn.execute(
            Tag.__table__.insert(),
            [{"id": i, "name": tag_name(i)} for i in range(1, data.tags + 1)],
        )
        conn.execute(
            Post.__table__.insert(),
            [
                {
                    "id": p,
                    "user_id": post_user(p, data.posts_per_user),
                    "title": post_title(p),
                    "body": post_body(p),
                }
                for p in posts
            ],
        )
        conn.execute(
            post_tags.insert(),
            [{"post_id": p, "tag_id": t} for p in posts for t in post_tag_ids(p, data.tags)],
        )


# ---- The workloads ----
# Each takes (engine, data) with the schema in place, does its untimed setup, and
# returns (n, seconds, statements, checksum). Object construction, the Session's
# life and every statement are inside the timed part.


def timed(engine, work):
    """Runs work() with the clock and the statement counter on."""
    counter = StatementCounter(engine)
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    statements = counter.count
    event.remove(engine, "before_cursor_execute", counter._seen)
    return result, seconds, statements


def run_insert(engine, data):
    def work():
        # Explicit ids: the checksum expects the ids the formulas give.
        with Session(engine) as session:
            tags = [Tag(id=i, name=tag_name(i)) for i in range(1, data.tags + 1)]
            users = []
            for u in range(1, data.users + 1):
                user = User(id=u, name=user_name(u))
                user.profile = Profile(id=u, bio=profile_bio(u))
                first_post = (u - 1) * data.posts_per_user + 1
                for p in range(first_post, first_post + data.posts_per_user):
                    post = Post(id=p, title=post_title(p), body=post_body(p))
                    for t in post_tag_ids(p, data.tags):
                        post.tags.append(tags[t - 1])
                    user.posts.append(post)
                users.append(user)
            session.add_all(tags)
            session.add_all(users)
            session.commit()

    _, seconds, statements = timed(engine, work)
    n = 2 * data.users + data.tags + data.posts + data.link_count()
    return n, seconds, statements, tables_checksum(engine, data.posts_per_user)


def run_load(loader):
    """load_lazy / load_joined / load_selectin: users by id with their posts."""

    def run(engine, data):
        seed(engine, data)
        checksum = LoadChecksum()

        def work():
            with Session(engine) as session:
                users = (
                    session.execute(select(User).order_by(User.id).options(loader(User.posts)))
                    .scalars()
                    .unique()
                    .all()
                )
                for user in users:
                    checksum.user()
                    for position, post in enumerate(user.posts):
                        checksum.post(
                            position, post.id, post.user_id, len(post.title), len(post.body)
                        )

        _, seconds, statements = timed(engine, work)
        return checksum.users + checksum.posts, seconds, statements, checksum.json()

    return run


def run_m2m_selectin(engine, data):
    seed(engine, data)
    checksum = TagChecksum()

    def work():
        with Session(engine) as session:
            posts = (
                session.execute(select(Post).order_by(Post.id).options(selectinload(Post.tags)))
                .scalars()
                .all()
            )
            for post in posts:
                checksum.post()
                for position, tag in enumerate(post.tags):
                    checksum.tag(position, post.id, tag.id, len(tag.name))

    _, seconds, statements = timed(engine, work)
    return checksum.posts + checksum.links, seconds, statements, checksum.json()


def run_cascade_delete(engine, data):
    seed(engine, data)

    def work():
        with Session(engine) as session:
            doomed = session.execute(select(User).where(User.id % 10 == 0)).scalars().all()
            for user in doomed:
                session.delete(user)
            session.commit()
            return len(doomed)

    deleted, seconds, statements = timed(engine, work)
    return deleted, seconds, statements, tables_checksum(engine, data.posts_per_user)


RUNNERS = {
    "insert": run_insert,
    "load_lazy": run_load(lazyload),
    "load_joined": run_load(joinedload),
    "load_selectin": run_load(selectinload),
    "m2m_selectin": run_m2m_selectin,
    "cascade_delete": run_cascade_delete,
}

# ---- The command line and the result line ----


def positive_int(text):
    try:
        value = int(text, 10)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"takes a positive whole number, not '{text}'")
    return value


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=positive_int, default=1000, metavar="N")
    parser.add_argument("--posts-per-user", type=positive_int, default=10, metavar="M")
    parser.add_argument("--tags", type=positive_int, default=50, metavar="T")
    parser.add_argument(
        "--workload", default="all", choices=WORKLOADS + ["all"], metavar="NAME|all"
    )
    parser.add_argument(
        "--url", default="", help="a SQLite URL (default: a fresh file in a temp directory)"
    )
    args = parser.parse_args(argv)
    if args.url == "sqlite://:memory:":
        # The C++ programs' spelling of an in-memory database; SQLAlchemy's is sqlite://.
        args.url = "sqlite://"
    try:
        backend = make_url(args.url).get_backend_name() if args.url else "sqlite"
    except (ValueError, ArgumentError):  # not a URL at all
        backend = None
    if backend != "sqlite":
        parser.error(f"only SQLite URLs (sqlite:///path) are supported, not '{args.url}'")
    return args


def print_result(workload, n, seconds, statements, checksum):
    peak_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f'{{"impl": "sqlalchemy", "backend": "sqlite", "workload": "{workload}", '
        f'"n": {n}, "seconds": {seconds:.6f}, "statements": {statements}, '
        f'"peak_rss_kib": {peak_rss_kib}, "checksum": {checksum}}}',
        flush=True,
    )


def run_workload(workload, url, data):
    engine = fresh_engine(url)
    try:
        n, seconds, statements, checksum = RUNNERS[workload](engine, data)
    finally:
        engine.dispose()
    print_result(workload, n, seconds, statements, checksum)


def main(argv):
    args = parse_args(argv)
    data = DataSet(args.users, args.posts_per_user, args.tags)
    workloads = WORKLOADS if args.workload == "all" else [args.workload]
    if args.url:
        for workload in workloads:
            run_workload(workload, args.url, data)
        return
    # Each workload gets its own file, removed with the directory at exit.
    with tempfile.TemporaryDirectory(prefix="sqlalchemy-bench-") as directory:
        for workload in workloads:
            path = os.path.join(directory, f"{workload}.db")
            run_workload(workload, f"sqlite:///{path}", data)
            os.remove(path)


if __name__ == "__main__":
    main(sys.argv[1:])
