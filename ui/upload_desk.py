"""The upload page's sections (pages/upload.py): one file's check, mapping, preview, rejects and confirm.

``UploadDesk`` holds what every section needs (the warehouse, the user, the units the user may
load for, the inspections kept in the session) so the page itself is the file picker and a loop.
Thin over etl.upload (which calls etl.load.prepare / load_prepared, the CLI's code path) and
etl.form06_reader. Nothing is written before 'Xác nhận nạp' except a saved column profile or
unit alias the analyst asks for.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from etl import columns as etl_columns, form06_reader, portal766, upload as etl_upload
from kpi.access import permissions
from kpi.access.permissions import User
from kpi.measures import units as units_mod
from kpi.measures.filters import Scope
from kpi.text import quality as quality_text
from kpi.text.normalize import sort_key_vi
from kpi.text.vi import (CHANNEL_LABELS, LEVEL_LABELS, RATING_LABELS, num, rejects_file_name,
                         sheets_line, unknown_channels_line)
from kpi.warehouse.db import Warehouse
from ui import text_data
from ui.unit_names import UnitNames

PREVIEW_ROWS = 20
MAX_NEW_UNITS_SHOWN = 30
MAX_CHANNEL_TEXTS = 30


@dataclass
class UploadDesk:
    wh: Warehouse
    user: User
    unit_directory: UnitNames
    allowed_units: list[str]     # units the user may load for, in Vietnamese order
    alias_scope: Scope | None    # where the user may name aliases (None: anywhere, for admins)
    inspections: dict            # file id → etl_upload.Inspection, kept in the session
    results: dict                # file id → the outcome of its load

    @classmethod
    def open(cls, wh: Warehouse, user: User) -> "UploadDesk":
        directory = UnitNames.of(units_mod.list_units(wh))
        edits_units = permissions.can(user, "edit_units")
        allowed = sorted((u for u in directory.names if edits_units or user.scope.allows_unit(u, directory.levels.get(u))),
                         key=lambda u: sort_key_vi(directory.names[u]))
        # Analysts name aliases only for units in their scope (kpi.measures.units.add_alias checks); admins for all.
        return cls(wh, user, directory, allowed, None if edits_units else user.scope,
                   st.session_state.setdefault("_upload_inspections", {}),
                   st.session_state.setdefault("_upload_results", {}))

    def file_section(self, uploaded, limit_mb: int) -> None:
        """One uploaded file: its outcome once loaded, else its check and what to do next."""
        key = uploaded.file_id
        if key in self.results:
            outcome = self.results[key]
            if outcome.status == "loaded":
                st.success(text_data.upload_done(outcome.batch_id, outcome.counts))
                st.caption(text_data.UPLOAD_DONE_HINT)
            else:
                st.error(text_data.UPLOAD_DONE_REFUSED.format(reason=outcome.reason))
            return
        if uploaded.size > limit_mb * 1024 * 1024:
            st.error(text_data.UPLOAD_TOO_LARGE.format(size=num(uploaded.size / 1024 / 1024), mb=limit_mb))
            return
        ins = self.inspections.get(key) or self.check(key, uploaded)
        etl_upload.refresh_counts(self.wh, ins)
        if ins.refusal:
            st.error(text_data.UPLOAD_REFUSED.format(reason=ins.refusal))
            if ins.read_summary:
                st.caption(text_data.UPLOAD_READ_SUMMARY.format(summary=ins.read_summary))
        elif ins.kind == form06_reader.KIND:
            self.form06_section(key, uploaded, ins)
        elif ins.kind == portal766.KIND:
            self.portal_section(key, uploaded, ins)
        else:
            self.records_section(key, uploaded, ins)

    def check(self, key: str, uploaded, **kw) -> etl_upload.Inspection:
        with st.spinner(text_data.UPLOAD_CHECKING.format(name=uploaded.name)):
            ins = etl_upload.inspect(self.wh, uploaded.getvalue(), uploaded.name, scope=self.user.scope, user=self.user.name, **kw)
        self.inspections[key] = ins
        return ins


    def counts_row(self, ins: etl_upload.Inspection) -> None:
        labels = text_data.UPLOAD_COUNTS_FORM06 if ins.kind == form06_reader.KIND else text_data.UPLOAD_COUNTS
        cols = st.columns(4)
        for col, name in zip(cols, ("new", "updated", "unchanged", "rejected")):
            col.metric(labels[name], num(ins.counts.get(name, 0)), help=text_data.UPLOAD_COUNTS_HELP if name != "rejected" else None)
        if ins.counts.get("out_of_scope"):
            st.info(text_data.UPLOAD_OUT_OF_SCOPE.format(n=num(ins.counts["out_of_scope"])))
        if ins.counts.get("outside_validity"):
            st.caption(text_data.UPLOAD_OUTSIDE_VALIDITY.format(n=num(ins.counts["outside_validity"])))


    def rejects_block(self, key: str, rejects: pd.DataFrame, file_name: str) -> None:
        n = len(rejects[["sheet", "row_number"]].drop_duplicates()) if len(rejects) else 0
        if not n:
            st.caption(text_data.UPLOAD_REJECTS_NONE)
            return
        with st.expander(text_data.UPLOAD_REJECTS.format(n=num(n)), expanded=True):
            st.dataframe(etl_upload.rejects_table(rejects), hide_index=True, width="stretch")
            detail = {"file": rejects_file_name(file_name), "source": file_name}
            st.download_button(text_data.UPLOAD_REJECTS_DOWNLOAD,
                               data=lambda: etl_upload.audited_rejects_xlsx(self.wh, self.user, etl_upload.rejects_report_prepared(rejects), detail),
                               file_name=rejects_file_name(file_name), key=f"rej_{key}", on_click="ignore",
                               mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/download:")
            st.caption(text_data.UPLOAD_REJECTS_HINT)


    def confirm(self, key: str, ins: etl_upload.Inspection) -> None:
        if not ins.ready:
            st.warning(text_data.UPLOAD_NOTHING_TO_LOAD)
            return
        if st.button(text_data.UPLOAD_CONFIRM, key=f"confirm_{key}", type="primary", help=text_data.UPLOAD_CONFIRM_HELP):
            bar = st.progress(0.0, text=text_data.UPLOAD_LOADING)
            outcome = etl_upload.load(self.wh, ins, user=self.user, progress=lambda fraction, text: bar.progress(min(1.0, fraction), text=text))
            self.results[key] = outcome
            self.inspections.pop(key, None)
            st.rerun()


    def mapping_table(self, ins: etl_upload.Inspection) -> None:
        p = ins.prepared
        labels = etl_upload.field_labels(p.kind)
        required = etl_upload.required_fields(p.kind)
        rows = [{text_data.UPLOAD_MAPPING_FIELD: labels[name] + (" *" if name in required else ""),
                 text_data.UPLOAD_MAPPING_SOURCE: p.mapping.get(name, text_data.UPLOAD_MAPPING_MISSING)}
                for name in labels if name in p.mapping or name in required]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


    def columns_block(self, p) -> None:
        """Every column of the file: the field it became and how sure, or ignored; the optional columns it lacks."""
        absent = etl_columns.absent_sentences(p.kind, p.absent)
        if absent:
            st.info("\n".join(f"- {sentence}" for sentence in absent))
        unsure = any(v.confidence == "maybe" or v.note for v in p.verdicts)
        with st.expander(quality_text.COLUMNS_TITLE, expanded=unsure):
            st.dataframe(pd.DataFrame(etl_columns.column_rows(p.kind, p.verdicts)), hide_index=True, width="stretch")


    def unsure_block(self, key: str, uploaded, ins: etl_upload.Inspection) -> None:
        """Columns mapped only 'có thể' (a tie, extra words): the analyst confirms or picks another, saved as a profile."""
        p = ins.prepared
        unsure = [v for v in p.verdicts if v.field and v.confidence == "maybe"]
        if not unsure:
            return
        labels = etl_upload.field_labels(p.kind)
        options = list(p.source_columns)
        with st.form(f"unsure_{key}"):
            st.markdown(f"**{quality_text.UNSURE_TITLE}**")
            picks = {v.field: st.selectbox(labels[v.field], options, index=options.index(v.label) if v.label in options else 0,
                                           format_func=lambda c: self.column_option(ins, c), key=f"unsure_{key}_{v.field}")
                     for v in unsure}
            submitted = st.form_submit_button(quality_text.UNSURE_APPLY)
        if submitted:
            try:
                self.check(key, uploaded, mapping={**p.mapping, **picks}, kind=p.kind, profile_name=text_data.UPLOAD_PROFILE_DEFAULT,
                      signature=ins.signature)
            except ValueError as error:  # kpi.warehouse.profiles.ProfileError
                st.error(str(error))
                return
            st.rerun()


    def column_option(self, ins: etl_upload.Inspection, column: str) -> str:
        """A source column with its letter and sample values, so the analyst picks by content, not by name."""
        sample = ins.column_samples.get(column)
        return text_data.mapping_option(sample) if sample else column


    def rows_figure(self, ins: etl_upload.Inspection) -> tuple[str, str]:
        """(label, value) of the rows box: before a manual mapping no row is validated yet, so say what lies under the header."""
        if ins.needs_mapping and ins.rows_found is not None:
            return text_data.UPLOAD_ROWS_FOUND, num(ins.rows_found)
        return text_data.UPLOAD_ROWS_READ, num(ins.prepared.rows_read)


    def manual_mapping(self, key: str, uploaded, ins: etl_upload.Inspection) -> None:
        p = ins.prepared
        labels = etl_upload.field_labels(p.kind)
        st.warning(p.refusal)
        st.markdown(f"**{text_data.UPLOAD_MANUAL_TITLE}**")
        st.caption(text_data.UPLOAD_MANUAL_INTRO)
        used = set(p.mapping.values())
        options = [c for c in p.source_columns if c not in used] or list(p.source_columns)
        with st.form(f"manual_{key}"):
            picks = {name: st.selectbox(labels[name], options, index=None, placeholder=text_data.UPLOAD_MANUAL_PICK,
                                        format_func=lambda c: self.column_option(ins, c), key=f"map_{key}_{name}")
                     for name in p.unmapped}
            profile_name = st.text_input(text_data.UPLOAD_PROFILE_NAME, value=text_data.UPLOAD_PROFILE_DEFAULT, key=f"profile_{key}")
            submitted = st.form_submit_button(text_data.UPLOAD_MANUAL_APPLY, type="primary")
        if submitted:
            if any(v is None for v in picks.values()):
                st.error(text_data.UPLOAD_MANUAL_INCOMPLETE)
                return
            try:
                self.check(key, uploaded, mapping={**p.mapping, **picks}, kind=p.kind, profile_name=profile_name.strip(),
                      signature=ins.signature)
            except ValueError as error:  # kpi.warehouse.profiles.ProfileError
                st.error(str(error))
                return
            st.rerun()


    def remember_unplaced_names(self, ins: etl_upload.Inspection) -> None:
        """Names the registry does not know, rejected for a unit-scoped analyst: offered on the units page
        ('Ánh xạ tên đơn vị'), where kpi.measures.units.add_alias lets them map only to units in their scope."""
        rejects = ins.prepared.rejects
        if rejects is None or rejects.empty:
            return
        unplaced = rejects.loc[rejects["reason"].str.contains(units_mod.UNKNOWN_UNIT_MARK, regex=False), "raw_value"]
        if len(unplaced):
            st.session_state["pending_unit_names"] = list(dict.fromkeys(
                st.session_state.get("pending_unit_names", []) + list(unplaced.dropna().unique()[:MAX_NEW_UNITS_SHOWN])))


    def new_units_block(self, key: str, uploaded, ins: etl_upload.Inspection) -> None:
        self.remember_unplaced_names(ins)
        new_units = ins.prepared.new_units
        if new_units is None or new_units.empty:
            return
        st.session_state["pending_unit_names"] = list(dict.fromkeys(
            st.session_state.get("pending_unit_names", []) + list(new_units["name"])))
        if not self.allowed_units:
            st.caption(text_data.UPLOAD_NEW_UNITS_ADDED.format(n=num(len(new_units)), names=", ".join(new_units["name"].head(12))))
            return
        shown = new_units.head(MAX_NEW_UNITS_SHOWN)
        with st.expander(text_data.UPLOAD_NEW_UNITS.format(n=num(len(new_units))), expanded=True):
            st.caption(text_data.UPLOAD_NEW_UNITS_INTRO)
            with st.form(f"units_{key}"):
                choices = {}
                for i, row in enumerate(shown.itertuples()):
                    suggestions = [s for s in units_mod.suggest(self.wh, row.name, 5) if s["unit_id"] in set(self.allowed_units)]
                    options = [None] + [s["unit_id"] for s in suggestions] + \
                              [u for u in self.allowed_units if u not in {s["unit_id"] for s in suggestions}]
                    scores = {s["unit_id"]: s["score"] for s in suggestions}
                    best = 1 if suggestions and suggestions[0]["score"] >= 90 else 0
                    choices[row.name] = st.selectbox(
                        f"{row.name} ({LEVEL_LABELS.get(row.level, row.level)})", options, index=best, key=f"unit_{key}_{i}",
                        format_func=lambda u, sc=scores: text_data.UPLOAD_NEW_UNIT_OPTION if u is None else
                        text_data.suggestion_label(self.unit_directory.names[u], self.unit_directory.level_short(u), sc.get(u)))
                submitted = st.form_submit_button(text_data.UPLOAD_NEW_UNITS_APPLY)
            if submitted:
                for name, unit_id in choices.items():
                    if unit_id is not None:
                        try:
                            units_mod.add_alias(self.wh, name, unit_id, user=self.user.name, scope=self.alias_scope)
                        except units_mod.UnitError as error:
                            st.error(str(error))
                            return
                self.check(key, uploaded, mapping=None)
                st.rerun()


    def value_readings_block(self, key: str, uploaded, ins: etl_upload.Inspection) -> None:
        """Channel texts that named no channel (loaded as 'Khác') and bare rating numbers: the analyst says what
        they mean once, saved in the source profile."""
        p = ins.prepared
        unknown = p.unknown_channels
        if not unknown and not p.unknown_scale_rows:
            return
        with st.expander(text_data.UPLOAD_VALUES_TITLE, expanded=True):
            if unknown:
                st.caption(unknown_channels_line(unknown))
            st.caption(text_data.UPLOAD_VALUES_INTRO)
            channels = list(CHANNEL_LABELS)
            with st.form(f"values_{key}"):
                picks = {text: st.selectbox(text_data.UPLOAD_CHANNEL_PICK.format(text=text, n=num(n)), channels,
                                            index=channels.index("other"), format_func=CHANNEL_LABELS.get,
                                            key=f"channel_{key}_{i}")
                         for i, (text, n) in enumerate(list(unknown.items())[:MAX_CHANNEL_TEXTS])}
                scale = None
                if p.unknown_scale_rows:
                    scale = st.selectbox(text_data.UPLOAD_RATING_SCALE.format(n=num(p.unknown_scale_rows)), list(text_data.UPLOAD_RATING_SCALES),
                                         index=None, placeholder=text_data.UPLOAD_RATING_SCALE_PICK,
                                         format_func=text_data.UPLOAD_RATING_SCALES.get, key=f"scale_{key}")
                profile_name = st.text_input(text_data.UPLOAD_PROFILE_NAME, value=ins.profile or text_data.UPLOAD_PROFILE_DEFAULT,
                                             key=f"vprofile_{key}")
                submitted = st.form_submit_button(text_data.UPLOAD_VALUES_APPLY)
            if submitted:
                try:
                    self.inspections[key] = etl_upload.save_value_readings(self.wh, ins, uploaded.getvalue(), profile_name=profile_name.strip(),
                                                             user=self.user.name, scope=self.user.scope, channel_map=picks,
                                                             rating_scale=scale)
                except ValueError as error:  # kpi.warehouse.profiles.ProfileError
                    st.error(str(error))
                    return
                st.rerun()


    def records_section(self, key: str, uploaded, ins: etl_upload.Inspection) -> None:
        p = ins.prepared
        c1, c2, c3, c4 = st.columns(4)
        c1.markdown(f"**{text_data.UPLOAD_KIND}**  \n{ins.kind_label}")
        c2.markdown(f"**{text_data.UPLOAD_SHEET}**  \n{p.sheet}")
        c3.markdown(f"**{text_data.UPLOAD_HEADER_ROW}**  \n{p.header_row}")
        c4.markdown("**{}**  \n{}".format(*self.rows_figure(ins)))
        if ins.profile:
            st.info(text_data.UPLOAD_PROFILE_USED.format(name=ins.profile))
        if ins.needs_mapping:
            self.mapping_table(ins)
            self.manual_mapping(key, uploaded, ins)
            return
        self.counts_row(ins)
        with st.expander(text_data.UPLOAD_MAPPING):
            self.mapping_table(ins)
        if len(p.sheets) > 1 or p.skipped_sheets:
            st.caption(sheets_line(p.sheets, p.skipped_sheets))
        if p.duplicates:
            st.caption(text_data.UPLOAD_DUPLICATES.format(n=num(p.duplicates)))
        st.markdown(f"**{text_data.UPLOAD_PREVIEW.format(n=min(PREVIEW_ROWS, len(p.data)))}**")
        preview = p.preview(PREVIEW_ROWS)
        preview = preview.drop(columns=[c for c in preview.columns if c == "Mã đơn vị" or str(c).endswith("_date")])
        dates = [c for c in preview.columns if str(c).startswith("Ngày") or str(c).startswith("Hạn")]
        head = [c for c in preview.columns[:2] if c not in dates]
        preview = preview[head + dates + [c for c in preview.columns if c not in head and c not in dates]]
        for column, labels in (("Cấp", LEVEL_LABELS), ("Hình thức nộp", CHANNEL_LABELS), ("Mức độ hài lòng", RATING_LABELS)):
            if column in preview.columns:
                preview[column] = preview[column].map(lambda v, lb=labels: "" if v is None or pd.isna(v) else lb.get(v, v))
        st.dataframe(etl_upload.display_frame(preview), hide_index=True, width="stretch")
        self.columns_block(p)
        self.unsure_block(key, uploaded, ins)
        self.value_readings_block(key, uploaded, ins)
        self.new_units_block(key, uploaded, ins)
        self.rejects_block(key, p.rejects, uploaded.name)
        self.confirm(key, ins)

    def form06_section(self, key: str, uploaded, ins: etl_upload.Inspection) -> None:
        p = ins.prepared
        st.markdown(f"**{text_data.UPLOAD_KIND}**: {ins.kind_label} · {text_data.UPLOAD_SHEET} «{p.sheet}» · "
                    f"dòng số thứ tự cột: {p.header_row} · {text_data.UPLOAD_ROWS_READ.lower()}: {num(p.rows_read)}")
        st.caption(text_data.UPLOAD_FORM06_INTRO)
        c1, c2, c3 = st.columns([2, 1, 1])
        options = [None] + self.allowed_units + ([p.unit_id] if p.unit_id and p.unit_id not in self.allowed_units else [])
        unit = c1.selectbox(text_data.UPLOAD_FORM06_UNIT, options, index=options.index(p.unit_id) if p.unit_id in options else 0,
                            format_func=lambda u: text_data.UPLOAD_FORM06_PICK_UNIT if u is None else self.unit_directory.label(u), key=f"f06u_{key}")
        start = c2.date_input(text_data.UPLOAD_FORM06_FROM, value=p.period_from, format="DD/MM/YYYY", key=f"f06a_{key}")
        end = c3.date_input(text_data.UPLOAD_FORM06_TO, value=p.period_to, format="DD/MM/YYYY", key=f"f06b_{key}")
        period = (start, end) if isinstance(start, dt.date) and isinstance(end, dt.date) else None
        if (unit is not None and unit != p.unit_id) or (period is not None and period != (p.period_from, p.period_to)):
            self.check(key, uploaded, form06_unit=unit, form06_period=period)
            st.rerun()
        for problem in p.problems:
            st.warning(problem)
        with st.expander(text_data.UPLOAD_FORM06_IDENTITIES, expanded=bool(len(p.rejects))):
            st.markdown(text_data.UPLOAD_FORM06_READING[p.received_reading])
            for ident in p.identities.values():
                st.markdown("- " + text_data.identity_line(ident["formula"], ident["holds"], ident["fails"]))
        self.counts_row(ins)
        st.markdown(f"**{text_data.UPLOAD_PREVIEW.format(n=min(PREVIEW_ROWS, len(p.valid)))}**")
        preview = p.valid.head(PREVIEW_ROWS).drop(columns=["row_number"]).copy()
        preview["level"] = preview["level"].map(lambda v: LEVEL_LABELS.get(v, v))
        st.dataframe(preview.rename(columns=text_data.UPLOAD_FORM06_COLUMNS), hide_index=True, width="stretch")
        self.rejects_block(key, p.rejects, uploaded.name)
        self.confirm(key, ins)


    def portal_section(self, key: str, uploaded, ins: etl_upload.Inspection) -> None:
        """QĐ 766 scores published by the portal: the period (from the file or chosen here), the rows, confirm."""
        p = ins.prepared
        st.markdown(f"**{text_data.UPLOAD_KIND}**: {ins.kind_label} · {text_data.UPLOAD_ROWS_READ.lower()}: {num(p.rows_read)}")
        st.caption(text_data.UPLOAD_PORTAL_INTRO)
        c1, c2 = st.columns(2)
        start = c1.date_input(text_data.UPLOAD_FORM06_FROM, value=p.period_from, format="DD/MM/YYYY", key=f"p766a_{key}")
        end = c2.date_input(text_data.UPLOAD_FORM06_TO, value=p.period_to, format="DD/MM/YYYY", key=f"p766b_{key}")
        period = (start, end) if isinstance(start, dt.date) and isinstance(end, dt.date) and start <= end else None
        if period is not None and period != (p.period_from, p.period_to):
            self.check(key, uploaded, form06_period=period)
            st.rerun()
        for problem in p.problems:
            st.warning(problem)
        if p.unmatched:
            st.info(text_data.UPLOAD_PORTAL_UNMATCHED.format(names=", ".join(p.unmatched)))
        self.counts_row(ins)
        shown = p.valid.head(PREVIEW_ROWS)[[c for c in text_data.UPLOAD_PORTAL_COLUMNS if c in p.valid.columns]]
        st.dataframe(shown.rename(columns=text_data.UPLOAD_PORTAL_COLUMNS), hide_index=True, width="stretch")
        if not self.user.scope.is_province:
            st.warning(text_data.UPLOAD_PORTAL_SCOPE)
            return
        self.confirm(key, ins)
