"""The record pages: members, special families, activities, volunteers,
sites and projects."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jsxclient.store.queries.family import FamilySummary, family_summary
from jsxclient.ui import format as fmt
from jsxclient.ui.context import AppContext, touches
from jsxclient.ui.i18n import QT_TRANSLATE_NOOP
from jsxclient.ui.operations import records
from jsxclient.ui.pages.list_page import ListPage
from jsxclient.ui.transfers_dialog import OfferTransferDialog
from jsxclient.ui.widgets import ChildTable, ChildTabs, FilterSpec, open_form


def _village(label: str) -> FilterSpec:
    return FilterSpec("village", "village", label)


def members_page(ctx: AppContext) -> ListPage:
    return ListPage(
        ctx,
        "member",
        "member",
        QCoreApplication.translate("Pages", "会员"),
        QCoreApplication.translate(
            "Pages", "搜索：姓名、拼音全拼或首字母、身份证号、手机号 (Ctrl+F)"
        ),
        [
            _village(QCoreApplication.translate("Pages", "全部村（社区）")),
            FilterSpec(
                "status", "code", QCoreApplication.translate("Pages", "全部状态"), "member_status"
            ),
            FilterSpec(
                "type", "code", QCoreApplication.translate("Pages", "全部类型"), "member_type"
            ),
            FilterSpec(
                "role", "code", QCoreApplication.translate("Pages", "全部角色"), "member_role"
            ),
            FilterSpec("date", "date", QCoreApplication.translate("Pages", "入会日期")),
        ],
        registers=("members",),
        import_kind="members",
    )


class _Detail(QWidget):
    """A list page's lower pane: the selected record's children."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.current: str | None = None
        self.division: str | None = None


class _ChildrenDetail(_Detail):
    """A lower pane listing one kind of child record of the selected row.
    Subclasses name the entities, the link field and the title (translated in
    the subclass's own context)."""

    PARENT = ""
    CHILD = ""
    LINK = ""
    TITLE = ""
    # Township-level parents (projects) file their children under the
    # township; the others under the parent's own village, read on selection.
    TOWNSHIP_LEVEL = False

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        self.children_table = ChildTable(
            ctx,
            self.CHILD,
            self.CHILD,
            QCoreApplication.translate(type(self).__name__, self.TITLE),
            lambda: (
                {self.LINK: self.current, "division_code": self.division} if self.current else None
            ),
        )
        lay.addWidget(self.children_table)

    def show_row(self, row_id: str | None) -> None:
        self.current = row_id
        self.division = self.ctx.township if self.TOWNSHIP_LEVEL else None
        self.children_table.set_parent_id(row_id)
        if row_id and not self.TOWNSHIP_LEVEL:
            store, parent = self.ctx.store, self.PARENT
            self.ctx.tasks.db(lambda job: records.get(store, parent, row_id)).owned_by(
                self
            ).on_success(lambda r: setattr(self, "division", r and r["division_code"])).start()


class VolunteerDetail(_ChildrenDetail):
    PARENT, CHILD, LINK = "volunteer", "volunteerpairing", "volunteer_id"
    TITLE = QT_TRANSLATE_NOOP("VolunteerDetail", "结对的特殊家庭")


def volunteers_page(ctx: AppContext) -> ListPage:
    detail = VolunteerDetail(ctx)
    page = ListPage(
        ctx,
        "volunteer",
        "volunteer",
        QCoreApplication.translate("Pages", "志愿者"),
        QCoreApplication.translate(
            "Pages", "搜索：姓名、拼音全拼或首字母、身份证号、手机号 (Ctrl+F)"
        ),
        [
            _village(QCoreApplication.translate("Pages", "全部村（社区）")),
            FilterSpec(
                "type", "code", QCoreApplication.translate("Pages", "全部层级"), "volunteer_level"
            ),
            FilterSpec(
                "status",
                "choice",
                QCoreApplication.translate("Pages", "在岗与不在岗"),
                choices=(
                    (1, QCoreApplication.translate("Pages", "在岗")),
                    (0, QCoreApplication.translate("Pages", "不在岗")),
                ),
            ),
        ],
        detail=detail,
        registers=("volunteers",),
        import_kind="volunteers",
    )
    page.selected.connect(detail.show_row)
    return page


class FamilyDetail(_Detail):
    """One family on one page: summary, members, contacts, visits, subsidies."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.setObjectName("familyDetail")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        head = QFrame()
        head.setObjectName("summaryBox")
        hl = QHBoxLayout(head)
        hl.setContentsMargins(10, 6, 10, 6)
        self.summary = QLabel(self.tr("请在上面选择一户特殊家庭"))
        self.summary.setObjectName("familySummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        hl.addWidget(self.summary, 1)
        self.visit_button = QPushButton(self.tr("登记走访"))
        self.visit_button.setObjectName("quickVisit")
        self.edit_button = QPushButton(self.tr("编辑家庭"))
        self.edit_button.clicked.connect(self._edit)
        self.move_button = QPushButton(self.tr("迁往其他乡镇…"))
        self.move_button.setObjectName("offerFamily")
        self.move_button.setToolTip(self.tr("户籍迁出本乡镇：申请后由接收乡镇确认（须联网）"))
        self.move_button.clicked.connect(self._move)
        hl.addWidget(self.visit_button)
        hl.addWidget(self.edit_button)
        hl.addWidget(self.move_button)
        lay.addWidget(head)

        def ctx_fn() -> dict[str, Any] | None:
            if not self.current:
                return None
            return {"family_id": self.current, "division_code": self.division}

        self.members = ChildTable(ctx, "familymember", "familymember", self.tr("家庭成员"), ctx_fn)
        self.contacts = ChildTable(
            ctx, "familycontact", "familycontact", self.tr("双岗联系人"), ctx_fn
        )
        self.visits = ChildTable(
            ctx,
            "carevisit",
            "carevisit",
            self.tr("走访与联系记录"),
            ctx_fn,
            hidden=("mental_state", "aid_fen"),
        )
        self.subsidies = ChildTable(
            ctx, "caresubsidy", "caresubsidy", self.tr("关怀补贴"), ctx_fn, hidden=("paid_on",)
        )
        self.visit_button.clicked.connect(self.visits.add)
        self.tabs = ChildTabs()
        self.tabs.setObjectName("familyTabs")
        for child in (self.visits, self.members, self.subsidies, self.contacts):
            self.tabs.add(child)
        lay.addWidget(self.tabs, 1)
        self._set_enabled(False)
        ctx.bus.changed.connect(self._changed)

    def _set_enabled(self, on: bool) -> None:
        from jsxclient.sync import scope

        self.visit_button.setEnabled(on)
        self.edit_button.setEnabled(on)
        # The role is the signed-in account's (no store read); the dialog says
        # when the computer is not connected.
        self.move_button.setEnabled(on and scope.may_transfer(self.ctx.store))

    def _changed(self, changed: frozenset[str]) -> None:
        if self.current and touches(changed, "specialfamily", "carevisit", "person"):
            self._load_summary(self.current)

    def show_row(self, row_id: str | None) -> None:
        if row_id == self.current:
            return
        self.current = row_id
        self.division = None
        for t in (self.members, self.contacts, self.visits, self.subsidies):
            t.set_parent_id(row_id)
        self._set_enabled(False)
        if row_id is None:
            self.summary.setText(self.tr("请在上面选择一户特殊家庭"))
            return
        self._load_summary(row_id)

    def _load_summary(self, row_id: str) -> None:
        store, today = self.ctx.store, self.ctx.today()
        self.ctx.tasks.db(lambda job: family_summary(store.db.connection(), row_id, today)).latest(
            f"family-{id(self)}"
        ).owned_by(self).on_success(self._summary).start()

    def _summary(self, s: FamilySummary | None) -> None:
        if s is None or s.id != self.current:
            return
        self.division = s.division_code
        self._set_enabled(True)
        docs = [
            (self.tr("独生子女证"), s.flags["doc_certificate"]),
            (self.tr("死亡/伤残证明"), s.flags["doc_death_or_disability"]),
            (self.tr("户口簿"), s.flags["doc_household"]),
            (self.tr("家庭医生"), s.flags["family_doctor_signed"]),
            (self.tr("就医绿色通道"), s.flags["priority_hospital"]),
        ]
        gap = fmt.gap()
        flags = gap.join(f"{'☑' if on else '☐'} {name}" for name, on in docs)
        overdue = bool(s.next_due and s.next_due < self.ctx.today().isoformat())
        due_style = "color:#cf1322;font-weight:600" if overdue else ""
        grade = fmt.code("disability_grade", s.disability_grade) if s.disability_grade else ""
        self.summary.setText(
            f"<b style='font-size:15px'>{s.head_name}</b>{gap}"
            f"{fmt.code('family_category', s.category)} {grade}{gap}"
            f"{fmt.code('family_status', s.status)}{gap}{s.village}{gap}"
            f"{fmt.mask_id(s.head_id_number)}{gap}{fmt.mask_mobile(s.head_mobile)}<br>"
            + self.tr("最近走访：{last}　今年走访 {n} 次　").format(
                last=s.last_visit or self.tr("无"), n=s.visits_this_year
            )
            + f"<span style='{due_style}'>"
            + self.tr("下次应走访：{due}").format(due=s.next_due or "")
            + "</span><br>"
            + flags
        )

    def _edit(self) -> None:
        if self.current:
            open_form(self.ctx, self, "specialfamily", self.current)

    def _move(self) -> OfferTransferDialog | None:
        if not self.current:
            return None
        dlg = OfferTransferDialog(self.ctx, self.current, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.offered.connect(self._offered)
        dlg.open()
        return dlg

    def _offered(self, info: Any) -> None:
        bar = getattr(self.window(), "statusBar", None)
        if bar is not None:
            bar().showMessage(
                self.tr("已申请迁出（编号 {id}），等待接收乡镇确认。").format(id=info.id), 10000
            )


def families_page(ctx: AppContext) -> ListPage:
    detail = FamilyDetail(ctx)
    page = ListPage(
        ctx,
        "specialfamily",
        "specialfamily",
        QCoreApplication.translate("Pages", "特殊家庭"),
        QCoreApplication.translate(
            "Pages", "搜索：户主姓名、拼音首字母、身份证号、手机号 (Ctrl+F)"
        ),
        [
            _village(QCoreApplication.translate("Pages", "全部村（社区）")),
            FilterSpec(
                "type", "code", QCoreApplication.translate("Pages", "全部类别"), "family_category"
            ),
            FilterSpec(
                "status", "code", QCoreApplication.translate("Pages", "全部状态"), "family_status"
            ),
        ],
        detail=detail,
        detail_share=0.47,  # the family's summary above its tabs
        registers=("families", "visits", "subsidies"),
        import_kind="families",
    )
    page.filters.set("status", "enrolled")
    page.selected.connect(detail.show_row)
    page.family_detail = detail  # type: ignore[attr-defined]
    return page


class ActivityDetail(_ChildrenDetail):
    PARENT, CHILD, LINK = "activity", "activityparticipant", "activity_id"
    TITLE = QT_TRANSLATE_NOOP("ActivityDetail", "参与人名单（可选）")


def activities_page(ctx: AppContext) -> ListPage:
    detail = ActivityDetail(ctx)
    page = ListPage(
        ctx,
        "activity",
        "activity",
        QCoreApplication.translate("Pages", "活动"),
        QCoreApplication.translate("Pages", "搜索：活动名称、地点、合作单位 (Ctrl+F)"),
        [
            _village(QCoreApplication.translate("Pages", "全部协会")),
            FilterSpec(
                "type", "code", QCoreApplication.translate("Pages", "全部类型"), "activity_type"
            ),
            FilterSpec(
                "status", "code", QCoreApplication.translate("Pages", "全部主题"), "campaign"
            ),
            FilterSpec("date", "date", QCoreApplication.translate("Pages", "活动日期")),
        ],
        detail=detail,
        registers=("activities",),
        import_kind="activities",
    )
    page.selected.connect(detail.show_row)
    return page


class ProjectDetail(_ChildrenDetail):
    PARENT, CHILD, LINK = "project", "projectsite", "project_id"
    TITLE = QT_TRANSLATE_NOOP("ProjectDetail", "项目覆盖的阵地")
    TOWNSHIP_LEVEL = True


class SitesProjectsPage(QTabWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.setObjectName("page_sites")
        self.sites = ListPage(
            ctx,
            "site",
            "site",
            QCoreApplication.translate("Pages", "阵地"),
            QCoreApplication.translate("Pages", "搜索：阵地名称、地址 (Ctrl+F)"),
            [
                _village(QCoreApplication.translate("Pages", "全部村（社区）")),
                FilterSpec(
                    "type", "code", QCoreApplication.translate("Pages", "全部类别"), "site_kind"
                ),
            ],
        )
        detail = ProjectDetail(ctx)
        self.projects = ListPage(
            ctx,
            "project",
            "project",
            QCoreApplication.translate("Pages", "项目"),
            QCoreApplication.translate("Pages", "搜索：项目名称、资金来源 (Ctrl+F)"),
            [
                FilterSpec(
                    "type", "code", QCoreApplication.translate("Pages", "全部级别"), "project_level"
                ),
                FilterSpec(
                    "status",
                    "code",
                    QCoreApplication.translate("Pages", "全部状态"),
                    "project_status",
                ),
            ],
            detail=detail,
        )
        self.projects.selected.connect(detail.show_row)
        self.addTab(self.sites, QCoreApplication.translate("Pages", "阵地"))
        self.addTab(self.projects, QCoreApplication.translate("Pages", "项目"))

    def shortcut_target(self) -> QWidget:
        """The list on the tab shown takes the main window's shortcuts."""
        return self.currentWidget()
