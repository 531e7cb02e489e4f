#!/usr/bin/python3
"""SQLAlchemy 1.4 on the mapping and rows of tests/custom_join_test.cpp.

The C++ test's expected objects come from here: custom join conditions (primaryjoin,
secondaryjoin, remote()) and viewonly relationships, loaded by every strategy, followed
by join(), any()/has() and with_parent(), and a deletion that follows the written
relationships only. Each assertion below has its twin in the C++ test; run by ctest as
oracle.custom_join.
"""
import sys

from sqlalchemy import (Boolean, Column, ForeignKey, Integer, String, Table, and_, create_engine,
                        func, select)
from sqlalchemy.orm import (declarative_base, foreign, joinedload, lazyload, relationship,
                            remote, selectinload, Session, with_parent)

Base = declarative_base()

memberships = Table(
    "memberships", Base.metadata,
    Column("user_id", Integer, ForeignKey("users.id"), primary_key=True),
    Column("group_id", Integer, ForeignKey("groups.id"), primary_key=True),
    Column("role", String))


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    name = Column(String)
    last_seen = Column(Integer)
    active = Column(Boolean)
    posts = relationship("Post", back_populates="author", order_by="Post.id")
    published = relationship(
        "Post", primaryjoin="and_(User.id == Post.user_id, Post.is_published == True)",
        order_by="Post.day.desc()", viewonly=True)
    unread = relationship(
        "Post", primaryjoin="and_(Post.user_id == User.id, Post.day > User.last_seen)",
        order_by="Post.day", viewonly=True)
    drafts = relationship(
        "Post", primaryjoin="and_(User.id == Post.user_id, Post.is_published == False)",
        order_by="Post.id", overlaps="posts,author")
    groups = relationship("Group", secondary=memberships, order_by="Group.id")
    admin_of = relationship(
        "Group", secondary=memberships,
        primaryjoin=lambda: and_(User.id == memberships.c.user_id,
                                 memberships.c.role == "admin"),
        secondaryjoin=lambda: memberships.c.group_id == Group.id,
        order_by="Group.id", viewonly=True)


class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"))
    title = Column(String)
    is_published = Column(Boolean, default=False)
    day = Column(Integer)
    author = relationship("User", back_populates="posts", overlaps="drafts")
    active_author = relationship(
        "User", primaryjoin="and_(Post.user_id == User.id, User.active == True)", viewonly=True)


class Group(Base):
    __tablename__ = "groups"
    id = Column(Integer, primary_key=True)
    name = Column(String)


class Node(Base):
    __tablename__ = "nodes"
    id = Column(Integer, primary_key=True)
    parent_id = Column(Integer, ForeignKey("nodes.id"))
    name = Column(String)
    active = Column(Boolean)
    children = relationship("Node", order_by="Node.id", overlaps="active_children")
    active_children = relationship(
        "Node",
        primaryjoin=lambda: and_(Node.id == remote(foreign(Node.parent_id)),
                                 remote(Node.active) == True),
        order_by="Node.id", viewonly=True)


def fill(engine):
    with engine.begin() as c:
        c.exec_driver_sql("INSERT INTO users (id, name, last_seen, active) VALUES "
                          "(1, 'Ann', 10, 1), (2, 'Bob', 0, 0), (3, 'Cy', 5, 1)")
        c.exec_driver_sql("INSERT INTO posts (id, user_id, title, is_published, day) VALUES "
                          "(1, 1, 'a1', 1, 5), (2, 1, 'a2', 0, 12), (3, 1, 'a3', 1, 15), "
                          "(4, 2, 'b1', 1, 3), (5, 2, 'b2', 0, 4), (6, 3, 'c1', 0, 1)")
        c.exec_driver_sql("INSERT INTO groups (id, name) VALUES (1, 'g1'), (2, 'g2'), (3, 'g3')")
        c.exec_driver_sql("INSERT INTO memberships (user_id, group_id, role) VALUES "
                          "(1, 1, 'admin'), (1, 2, 'member'), (1, 3, 'admin'), "
                          "(2, 2, 'admin'), (3, 1, NULL), (3, 3, 'member')")
        c.exec_driver_sql("INSERT INTO nodes (id, parent_id, name, active) VALUES "
                          "(1, NULL, 'root', 1), (2, 1, 'kid', 1), (3, 1, 'gone', 0), "
                          "(4, 2, 'grandkid', 1)")


def held(users, member, attr):
    out = []
    for u in users:
        items = [getattr(i, attr) for i in getattr(u, member)]
        if items:
            out.append("%d:%s" % (u.id, ",".join(items)))
    return out


def check(got, expected, what):
    if got != expected:
        print("%s: SQLAlchemy gives %r, the C++ test expects %r" % (what, got, expected))
        sys.exit(1)


def main():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    fill(engine)
    options = {"lazy": lazyload, "joined": joinedload, "selectin": selectinload}
    for name, option in options.items():
        with Session(engine) as s:
            users = s.scalars(select(User).order_by(User.id).options(
                option(User.published), option(User.unread), option(User.admin_of),
                option(User.groups))).unique().all()
            check(held(users, "published", "title"), ["1:a3,a1", "2:b1"], name + " published")
            check(held(users, "unread", "title"), ["1:a2,a3", "2:b1,b2"], name + " unread")
            check(held(users, "admin_of", "name"), ["1:g1,g3", "2:g2"], name + " admin_of")
            check(held(users, "groups", "name"), ["1:g1,g2,g3", "2:g2", "3:g1,g3"],
                  name + " groups")
            posts = s.scalars(select(Post).order_by(Post.id).options(
                option(Post.active_author))).unique().all()
            check([p.active_author.name if p.active_author else "-" for p in posts],
                  ["Ann", "Ann", "Ann", "-", "-", "Cy"], name + " active_author")
            nodes = s.scalars(select(Node).order_by(Node.id).options(
                option(Node.active_children))).unique().all()
            check([n.name + ":" + ",".join(c.name for c in n.active_children) for n in nodes],
                  ["root:kid", "kid:grandkid", "gone:", "grandkid:"], name + " active_children")

    with Session(engine) as s:
        check([u.name for u in s.scalars(select(User).join(User.published)
                                         .where(Post.title == "a1").order_by(User.id))],
              ["Ann"], "join published a1")
        check(s.scalars(select(User).join(User.published).where(Post.title == "a2")).all(), [],
              "join published a2")
        check([u.name for u in s.scalars(select(User).where(User.unread.any())
                                         .order_by(User.id))], ["Ann", "Bob"], "unread.any()")
        check(s.scalar(select(func.count()).select_from(Post).where(Post.active_author.has())),
              4, "active_author.has()")
        check([u.name for u in s.scalars(select(User).where(User.admin_of.any(Group.name == "g3"))
                                         .order_by(User.id))], ["Ann"], "admin_of.any()")
        ann = s.get(User, 1)
        check([p.title for p in s.scalars(select(Post).where(with_parent(ann, User.unread))
                                          .order_by(Post.id))], ["a2", "a3"],
              "with_parent(unread)")
        check([g.name for g in s.scalars(select(Group).where(with_parent(ann, User.admin_of))
                                         .order_by(Group.id))], ["g1", "g3"],
              "with_parent(admin_of)")

    # A written relationship with a condition beyond its key writes the key; refresh
    # reads the viewonly relationships again.
    with Session(engine, expire_on_commit=False) as s:
        cy = s.get(User, 3)
        check([p.title for p in cy.drafts], ["c1"], "drafts")
        check(list(cy.unread), [], "unread before")
        cy.drafts.append(Post(id=7, title="c2", day=9))
        s.commit()
        with engine.connect() as c:
            check(c.exec_driver_sql("SELECT user_id FROM posts WHERE id = 7").all(), [(3,)],
                  "drafts key")
        check(list(cy.unread), [], "unread kept")
        # (SQLAlchemy 1.4's refresh() reloads columns only; 2.0's and Relate's load the
        # named relationships too: expire() and access is 1.4's spelling.)
        s.expire(cy, ["unread", "published"])
        check([p.title for p in cy.unread], ["c2"], "unread refreshed")
        check(list(cy.published), [], "published refreshed")

    with Session(engine) as s:
        ann = s.get(User, 1)
        check(len(ann.published), 2, "published loaded")
        check(len(ann.admin_of), 2, "admin_of loaded")
        s.delete(ann)
        s.commit()
    with engine.connect() as c:
        check(c.exec_driver_sql("SELECT count(*) FROM posts WHERE user_id IS NULL").scalar(), 3,
              "posts nulled")
        check(c.exec_driver_sql("SELECT count(*) FROM memberships WHERE user_id = 1").scalar(),
              0, "memberships deleted")
        check(c.exec_driver_sql("SELECT count(*) FROM users").scalar(), 2, "users")
    print("SQLAlchemy %s agrees with tests/custom_join_test.cpp" % __import__("sqlalchemy").__version__)


if __name__ == "__main__":
    main()
