"""Strings of the data page."""

STRINGS: dict[str, dict[str, str]] = {
    "data.title": {"en": "Data", "zh": "数据管理"},
    "data.intro": {
        "en": "Upload shop exports, fix the column mapping, read the quality report, connect a database, "
              "or go back to the built-in sample. Loading never replaces your current data until it succeeds.",
        "zh": "上传店铺导出文件、修正字段映射、查看数据质量报告、连接数据库，或切换回内置示例。新数据加载成功前，当前数据不会被替换。",
    },
    "data.current": {"en": "Current dataset: **{name}** ({kind}); tables: {tables}.",
                     "zh": "当前数据集：**{name}**（{kind}）；数据表：{tables}。"},
    "data.tab.upload": {"en": "Upload", "zh": "上传文件"},
    "data.tab.mapping": {"en": "Column mapping", "zh": "字段映射"},
    "data.tab.quality": {"en": "Quality report", "zh": "数据质量"},
    "data.tab.connect": {"en": "Connect a database", "zh": "连接数据库"},
    "data.tab.share": {"en": "Save & share", "zh": "保存与分享"},
    "data.upload": {"en": "CSV, Excel (.xlsx) or Parquet — one flat export or several tables",
                    "zh": "CSV、Excel（.xlsx）或 Parquet——一个明细导出文件或多张表"},
    "data.upload_help": {
        "en": "Headers in Chinese or English are recognised; encodings UTF-8, GBK/GB18030 and UTF-16 are detected.",
        "zh": "可识别中英文表头；自动识别 UTF-8、GBK/GB18030、UTF-16 编码。",
    },
    "data.mapping_file": {"en": "Optional: a saved mapping (JSON) to apply", "zh": "可选：应用已保存的映射（JSON）"},
    "data.mapping_bad": {"en": "{file}: this is not a mapping file saved by ecops ({error}).",
                         "zh": "{file}：不是 ecops 保存的映射文件（{error}）。"},
    "data.load": {"en": "Load", "zh": "加载"},
    "data.loading": {"en": "Loading files…", "zh": "正在加载文件…"},
    "data.loaded": {"en": "Loaded: {tables}", "zh": "已加载：{tables}"},
    "data.load_failed": {"en": "The files could not be loaded", "zh": "文件加载失败"},
    "data.notes": {"en": "What happened while loading", "zh": "加载过程说明"},
    "data.no_upload": {"en": "Upload files first: the mapping belongs to an upload.",
                       "zh": "请先上传文件：字段映射针对上传的数据。"},
    "data.source_table": {"en": "{source} is read as", "zh": "{source} 识别为"},
    "data.col.column": {"en": "Source column", "zh": "源字段"},
    "data.col.target": {"en": "Maps to", "zh": "映射到"},
    "data.col.confidence": {"en": "Confidence", "zh": "置信度"},
    "data.apply_mapping": {"en": "Apply mapping and reload", "zh": "应用映射并重新加载"},
    "data.save_mapping": {"en": "Download mapping (JSON)", "zh": "下载映射（JSON）"},
    "data.quality_ok": {"en": "No problems found.", "zh": "未发现问题。"},
    "data.quality_summary": {"en": "{errors} error(s), {warnings} warning(s).", "zh": "{errors} 个错误，{warnings} 个警告。"},
    "data.connect_url": {"en": "SQLAlchemy URL (e.g. postgresql+psycopg2://user:password@host/db)",
                         "zh": "SQLAlchemy 连接串（如 postgresql+psycopg2://用户:密码@主机/库名）"},
    "data.connect_secret": {"en": "Or a connection configured in secrets.toml", "zh": "或使用 secrets.toml 中配置的连接"},
    "data.connect": {"en": "Connect (read-only)", "zh": "连接（只读）"},
    "data.connect_note": {
        "en": "ecops only reads: read-only session, only SELECTs it built, statement timeout and row cap. "
              "Use a database role that can only SELECT.",
        "zh": "ecops 只读取数据：只读会话、仅执行自身生成的 SELECT 语句、有语句超时和行数上限。请使用只有 SELECT 权限的数据库账号。",
    },
    "data.connect_failed": {"en": "Could not connect: {error}. Check the address, user and network.",
                            "zh": "连接失败：{error}。请检查地址、账号和网络。"},
    "data.connect_no_tables": {
        "en": "Connected, but no `orders` and `order_items` tables were found (found: {tables}). "
              "Create views with the canonical names, or load exports through Upload.",
        "zh": "已连接，但未找到 `orders` 和 `order_items` 表（已找到：{tables}）。请创建同名视图，或通过上传导入导出文件。",
    },
    "data.connected": {"en": "Connected.", "zh": "已连接。"},
    "data.back_to_sample": {"en": "Use the built-in sample", "zh": "使用内置示例数据"},
    "data.share_intro": {
        "en": "Save this upload so teammates can open it through a private link. Without the link nobody can list "
              "or open it; it expires after {days} days.",
        "zh": "保存本次上传的数据，同事可通过私有链接打开。没有链接无法查看或列出；{days} 天后自动过期。",
    },
    "data.share_save": {"en": "Save and create link", "zh": "保存并生成链接"},
    "data.share_link": {
        "en": "Saved. Share this link (the address bar holds it too); anyone with it can read this dataset:",
        "zh": "已保存。分享此链接（地址栏中也已包含）；持有链接的人可读取该数据集：",
    },
    "data.share_only_upload": {"en": "Only uploaded data can be saved; the sample and databases are shared by link already.",
                               "zh": "只能保存上传的数据；示例数据和数据库本身即可通过链接共享。"},
    "data.share_delete": {"en": "Delete the saved dataset", "zh": "删除已保存的数据集"},
    "data.share_deleted": {"en": "Deleted: the link no longer works.", "zh": "已删除：链接已失效。"},
}
