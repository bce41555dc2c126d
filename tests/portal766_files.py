"""QĐ 766 portal files for tests, built in the structure the peers saved from dichvucong.gov.vn.

Shapes (read in the peers' repositories with the search tool, 02/12/2026):

- ``progress_tree`` — shape B, ``data.parent`` + ``data.children[]``: ChippedTopaz/qd766
  tests/fixtures/dvc-progress-tree/month-all.json (parent "UBND tỉnh Phú Thọ" H44 with totalReceived
  184513, totalOnTime 144625, ratio 78.38, totalScore 15.68 / totalMaxScore 20; children with
  ``level`` PROVINCE / COMMUNE, score / maxScore 20, scoreDelta null);
- ``satisfaction_overview`` — shape A, ``data.overview`` + ``data.evaluation[]`` with ``metrics[]``:
  ChippedTopaz/qd766 tests/fixtures/handling-satisfaction/month-all.json and docs/QD766_DATA_MODEL.md §4.2
  (codes DOSSIER_RECEIVING_SATISFACTION, PETITION_PROCESSING_ON_TIME, PETITION_HANDLING_SATISFACTION and the
  unscored PETITION_CLASSIFICATION_*), ``departmentType`` PROVINCIAL_DEPARTMENT / COMMUNE_PEOPLE_COMMITTEE as in
  tests/fixtures/dossier-digitized/month-all.json; ``dataQualityStatus`` / ``dataQualityMessage`` as
  hoang31201/766-HaNoi history/quality/2026-10-10.json carries them on DOSSIER_SYNC;
- ``service_results`` — shape A without metrics, the 100-point total per unit with ``childGroup``
  AGENCY / COMMUNE: hoang31201/766-HaNoi tools/quality-data.mjs (``service-results``, departmentType
  ADMINISTRATIVE_UNIT) and tools/quality-unit-details.test.mjs.

Unit names are those of ``tests.factories`` (with the portal's " - Tỉnh …" suffix on agencies).
"""
from __future__ import annotations

import json

PROVINCE = {"departmentId": "root", "departmentName": "UBND tỉnh Đồng Nai", "departmentCode": "H75"}
SO = {"departmentId": "so", "departmentName": "Sở Tư pháp - Tỉnh Đồng Nai", "departmentCode": "H75.20"}
XA = {"departmentId": "xa", "departmentName": "UBND xã Phước An", "departmentCode": "H75.101"}
GHOST = {"departmentId": "ghost", "departmentName": "UBND xã Không Có", "departmentCode": "H75.999"}


def progress_tree(province=16.0, so=15.5, xa=19.0) -> dict:
    return {"code": "OK", "data": {
        "parent": {**PROVINCE, "totalReceived": 7, "totalOnTime": 5, "totalCompleted": 5, "avgProcessingDays": 3.1,
                   "ratio": 80.0, "totalScore": province, "totalMaxScore": 20},
        "children": [
            {**SO, "level": "PROVINCE", "totalReceived": 5, "totalOnTime": 4, "totalOverdue": 1, "avgProcessingDays": 4,
             "ratio": 77.5, "score": so, "maxScore": 20, "scoreDelta": None},
            {**XA, "level": "COMMUNE", "totalReceived": 2, "totalOnTime": 2, "totalOverdue": 0, "avgProcessingDays": 1,
             "ratio": 95.0, "score": xa, "maxScore": 20, "scoreDelta": None},
            {**GHOST, "level": "COMMUNE", "totalReceived": 1, "totalOnTime": 1, "totalOverdue": 0,
             "avgProcessingDays": 1, "ratio": 100, "score": 20, "maxScore": 20, "scoreDelta": None},
        ]}}


def _metric(code, numerator, denominator, score, max_score, **extra) -> dict:
    ratio = None if not denominator else round(100 * numerator / denominator, 2)
    return {"code": code, "name": code, "numerator": numerator, "denominator": denominator, "ratio": ratio,
            "score": score, "maxScore": max_score, **extra}


def satisfaction_overview() -> dict:
    province_metrics = [
        _metric("PETITION_CLASSIFICATION_TTHC", 1, 2, None, 0),
        _metric("DOSSIER_RECEIVING_SATISFACTION", 4, 7, 3.81, 6),
        _metric("PETITION_PROCESSING_ON_TIME", 1, 2, 3.0, 6,
                dataQualityStatus="TEMP_NATIONAL_REPORT_DENOMINATOR",
                dataQualityMessage="Mẫu số đang dùng số tạm."),
        _metric("PETITION_HANDLING_SATISFACTION", 1, 2, 3.0, 6),
    ]
    so_metrics = [_metric("DOSSIER_RECEIVING_SATISFACTION", 2, 5, 2.67, 6),
                  _metric("PETITION_PROCESSING_ON_TIME", 1, 2, 3.0, 6),
                  _metric("PETITION_HANDLING_SATISFACTION", 1, 2, 3.0, 6)]
    return {"code": "OK", "data": {
        "overview": {"stt": 1, **PROVINCE, "departmentType": "PROVINCE", "departmentLevel": "PROVINCE",
                     "totalScore": 9.81, "totalMaxScore": 18, "ratio": 54.5, "metrics": province_metrics,
                     "scoreDelta": None},
        "evaluation": [{"stt": 1, **SO, "departmentType": "PROVINCIAL_DEPARTMENT", "departmentLevel": "PROVINCE",
                        "totalScore": 8.67, "totalMaxScore": 18, "ratio": 48.2, "metrics": so_metrics,
                        "scoreDelta": None}]}}


def service_results(province=71.5, so=64.25, xa=88.0) -> dict:
    return {"code": "OK", "data": {
        "overview": {**PROVINCE, "totalScore": province, "totalMaxScore": 100},
        "evaluation": [{**SO, "childGroup": "AGENCY", "totalScore": so, "totalMaxScore": 100},
                       {**XA, "childGroup": "COMMUNE", "totalScore": xa, "totalMaxScore": 100}]}}


def write(path, payload) -> str:
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return str(path)
