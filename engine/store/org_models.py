"""Tables of the organisation: org units, users and their (role, org unit) memberships.

The pure counterparts live in engine.org; engine.store.org_repository converts between them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.store.models import Base


class OrgUnitRow(Base):
    __tablename__ = "org_unit"

    # 64 characters, like the org_unit columns of instances and tasks that point here.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("org_unit.id"), index=True)


class AppUser(Base):
    __tablename__ = "app_user"

    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    # A self-describing hash (scheme and cost inside); None: the user cannot log in by password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]

    # Loaded with the user in one extra query for all users, so a list has no N+1.
    memberships: Mapped[list[MembershipRow]] = relationship(
        back_populates="user", lazy="selectin", order_by="MembershipRow.id")


class MembershipRow(Base):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("username", "role", "org_unit"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(ForeignKey("app_user.username"))  # the unique key indexes it
    role: Mapped[str] = mapped_column(String(32))
    org_unit: Mapped[str] = mapped_column(ForeignKey("org_unit.id"), index=True)

    user: Mapped[AppUser] = relationship(back_populates="memberships")
