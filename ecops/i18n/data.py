"""Strings of the data page: uploads, mappings, database addresses (connection.DatabaseURLError), saved
datasets (workspace.WorkspaceError) and the ``python -m ecops load`` command."""

__all__ = ["STRINGS"]

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
    "data.notes": {"en": "What happened while loading:", "zh": "加载过程说明："},
    "data.notes_warnings": {"en": "The loader noticed {n} thing(s) to check:", "zh": "加载时发现 {n} 处需要检查："},
    "data.notes_fix": {"en": "A wrong column behind one of these? Correct it on the **Column mapping** tab and reload.",
                       "zh": "如果是映射错了列，请在 **字段映射** 标签页修正后重新加载。"},
    "data.left_out.cancelled_orders": {"en": "{n} orders are cancelled: they are left out of every metric.",
                                       "zh": "{n} 个订单已取消：不计入任何指标。"},
    "data.left_out.unpaid_orders": {"en": "{n} orders were never paid: they are left out of every metric.",
                                    "zh": "{n} 个订单未付款：不计入任何指标。"},
    "data.left_out.orders_without_customer": {
        "en": "{n} orders have no customer: they are left out of order and customer counts.",
        "zh": "{n} 个订单没有客户：不计入订单数和客户数。"},
    "data.no_upload": {"en": "Upload files first: the mapping belongs to an upload (or to a database being connected).",
                       "zh": "请先上传文件：字段映射针对上传的数据（或正在连接的数据库）。"},
    "data.map.table": {"en": "Read as table", "zh": "识别为数据表"},
    "data.map.table.flat": {"en": "flat export (one row per order line)", "zh": "明细导出（每行一条订单明细）"},
    "data.map.table.ignore": {"en": "not used", "zh": "不使用"},
    "data.map.ignored": {"en": "This source is not used. Choose a table to map its columns.",
                         "zh": "此数据源未使用。选择一个数据表即可映射其字段。"},
    "data.map.none": {"en": "— not mapped —", "zh": "— 不映射 —"},
    "data.map.no_candidates": {
        "en": "No column of this source has values that could fill this field.",
        "zh": "此数据源中没有哪一列的取值适合该字段。"},
    "data.map.named_only": {
        "en": "No column's values look like {target}; offered by name only: {columns}. Loading names the first "
              "value it cannot read.",
        "zh": "没有哪一列的取值像 {target}；仅按列名提供：{columns}。加载时会指出第一个无法识别的值。"},
    "data.map.missing": {"en": "Still missing (required): {targets}. Choose a column for each field marked *.",
                         "zh": "仍缺少必需字段：{targets}。请为每个标 * 的字段选择一列。"},
    "data.map.more": {"en": "More fields that columns of this source could fill ({n})",
                      "zh": "此数据源的列还可以填充的其他字段（{n} 个）"},
    "data.map.unused": {"en": "Columns not used: {columns}", "zh": "未使用的列：{columns}"},
    "data.map.fix_intro": {
        "en": "The files were read, but they do not load as they are mapped. Fix the mapping below — each field "
              "offers only the columns whose values could fill it — then load. You can download the fixed mapping "
              "and upload it with the next export.",
        "zh": "文件已读取，但按当前映射无法加载。请在下方修正映射（每个字段只列出取值合适的列），然后加载。"
              "修正后的映射可以下载，下次上传导出文件时一并上传即可复用。"},
    "data.map.load": {"en": "Load with this mapping", "zh": "按此映射加载"},
    "data.map.loaded": {"en": "Loaded with your mapping.", "zh": "已按您的映射加载。"},
    "data.map.discard": {"en": "Discard these files", "zh": "放弃这些文件"},
    "data.map.db_intro": {
        "en": "Connected, but the database's tables are not named like ecops's tables. Map each database table to "
              "a table and its columns to fields below, then connect.",
        "zh": "已连接，但数据库中的表名与 ecops 的数据表不一致。请在下方把每个数据库表映射到数据表、把各列映射到字段，然后连接。"},
    "data.map.connect": {"en": "Connect with this mapping", "zh": "按此映射连接"},
    "data.map.db_left_out": {"en": "Only one database table per table is used; left out: {tables}.",
                             "zh": "每个数据表只使用一个数据库表；未使用：{tables}。"},
    "data.currency.detected": {"en": "Currency", "zh": "货币"},
    "data.currency.unknown": {"en": "Currency (unknown)", "zh": "货币（未知）"},
    "data.currency.placeholder": {"en": "Choose the currency of this data", "zh": "请选择该数据的货币"},
    "data.currency.ask": {
        "en": "The data does not say which currency its amounts are in. Choose it: every page, export and report "
              "shows amounts in it, and it is saved with the mapping.",
        "zh": "数据中没有体现金额的货币。请选择：各页面、导出和报告都将按此货币显示金额，并随映射一起保存。"},
    "data.currency.note.detected": {"en": "{code}, as the data says. Change it if that is wrong.",
                                    "zh": "{code}，根据数据识别。如有误可更改。"},
    "data.currency.note.pending": {"en": "{code}, as you chose for the files being mapped; saved with the mapping.",
                                   "zh": "{code}，由您为正在映射的文件选择；随映射一起保存。"},
    "data.currency.note.chosen": {"en": "{code}, as you chose; it is saved with the mapping.",
                                  "zh": "{code}，由您选择；随映射一起保存。"},
    "data.apply_mapping": {"en": "Apply mapping and reload", "zh": "应用映射并重新加载"},
    "data.save_mapping": {"en": "Download mapping (JSON)", "zh": "下载映射（JSON）"},
    "data.quality_ok": {"en": "No problems found.", "zh": "未发现问题。"},
    "data.quality_summary": {"en": "{errors} error(s), {warnings} warning(s).", "zh": "{errors} 个错误，{warnings} 个警告。"},
    "data.connect_url": {"en": "SQLAlchemy URL (e.g. postgresql+psycopg2://user:password@host/db)",
                         "zh": "SQLAlchemy 连接串（如 postgresql+psycopg2://用户:密码@主机/库名）"},
    "data.connect_secret": {"en": "Or a connection configured in secrets.toml", "zh": "或使用 secrets.toml 中配置的连接"},
    "data.connect": {"en": "Connect (read-only)", "zh": "连接（只读）"},
    "data.writable_role": {
        "en": "The database role ecops connected with could write (a superuser, or write or create rights). ecops "
              "only ever reads, and its sessions are read-only, but connect it with a role that can only SELECT so "
              "the database itself guarantees it.",
        "zh": "ecops 连接所用的数据库账号具有写权限（超级用户，或有写入/建表权限）。ecops 只读取数据且会话为只读，"
              "但请改用只有 SELECT 权限的账号，由数据库本身保证不被写入。",
    },
    "data.connect_note": {
        "en": "ecops only reads: read-only session, only SELECTs it built, statement timeout and row cap. "
              "Use a database role that can only SELECT.",
        "zh": "ecops 只读取数据：只读会话、仅执行自身生成的 SELECT 语句、有语句超时和行数上限。请使用只有 SELECT 权限的数据库账号。",
    },
    "data.connect_failed": {"en": "Could not connect: {error}. Check the address, user and network.",
                            "zh": "连接失败：{error}。请检查地址、账号和网络。"},
    "data.connect_error": {"en": "{dialect} database — {reason} ({error})", "zh": "{dialect} 数据库——{reason}（{error}）"},
    "data.connect_reason.driver": {"en": "the server has no driver for this database",
                                   "zh": "服务器未安装此类数据库的驱动"},
    "data.connect_reason.auth": {"en": "the login was refused (user or password)", "zh": "登录被拒绝（账号或密码）"},
    "data.connect_reason.permission": {"en": "the user may not read these tables", "zh": "该账号无权读取这些表"},
    "data.connect_reason.host": {"en": "the host name could not be resolved", "zh": "无法解析主机名"},
    "data.connect_reason.refused": {"en": "the server could not be reached (refused or unreachable)",
                                    "zh": "无法连接到服务器（被拒绝或不可达）"},
    "data.connect_reason.timeout": {"en": "the connection timed out", "zh": "连接超时"},
    "data.connect_reason.database": {"en": "the database does not exist", "zh": "数据库不存在"},
    "data.connect_reason.ssl": {"en": "the encrypted (SSL) connection failed", "zh": "加密（SSL）连接失败"},
    "data.connect_reason.other": {"en": "the connection failed", "zh": "连接失败"},
    "data.connect_url_hint": {
        "en": "Special characters in the user or password (@ : / ? #) must be URL-encoded, e.g. @ as %40.",
        "zh": "账号或密码中的特殊字符（@ : / ? #）需要 URL 编码，例如 @ 写作 %40。",
    },
    "data.connect_refused": {"en": "This database cannot be connected: {reason}.", "zh": "无法连接此数据库：{reason}。"},
    "data.connect_no_tables": {
        "en": "Connected, but no `orders` and `order_items` tables were found (found: {tables}). "
              "Create views with the canonical names, or load exports through Upload.",
        "zh": "已连接，但未找到 `orders` 和 `order_items` 表（已找到：{tables}）。请创建同名视图，或通过上传导入导出文件。",
    },
    "data.connected": {"en": "Connected.", "zh": "已连接。"},
    "data.local.title": {"en": "Local copy of the first screens", "zh": "首屏结果的本地副本"},
    "data.local.intro": {
        "en": "Every page's first screen is computed once by the database and kept in a local file on this server; "
              "later visits, sessions and restarts read it instead of asking the database again. Other filters "
              "and settings still ask the database. The copy belongs to this size of the database: when orders "
              "are added, a new copy is needed.",
        "zh": "每个页面的首屏由数据库计算一次，结果保存在本服务器的本地文件中；之后的访问、会话和重启都直接读取，"
              "不再查询数据库。其他筛选和设置仍会查询数据库。副本对应数据库当前的数据量：新增订单后需要重新生成。",
    },
    "data.local.none": {
        "en": "No local copy: this server's cache folder cannot be written, or another server process holds it. "
              "Every page asks the database.",
        "zh": "没有本地副本：本服务器的缓存目录不可写，或被另一个服务进程占用。每个页面都会查询数据库。",
    },
    "data.local.missing": {
        "en": "No local copy of this database yet: every page asks the database on its first visit.",
        "zh": "这个数据库还没有本地副本：每个页面首次访问时都会查询数据库。",
    },
    "data.local.ready": {
        "en": "Local copy made {at} from {orders} orders and {lines} order lines in the database.",
        "zh": "本地副本生成于 {at}，当时数据库中有 {orders} 笔订单、{lines} 条订单明细。",
    },
    "data.local.build": {"en": "Make a local copy (one run over the database)", "zh": "生成本地副本（查询数据库一轮）"},
    "data.local.refresh": {"en": "Refresh the local copy", "zh": "刷新本地副本"},
    "data.local.building": {
        "en": "Computing every page's first screen on the database…", "zh": "正在数据库上计算每个页面的首屏…",
    },
    "data.local.built": {"en": "Local copy ready: {n} results kept.", "zh": "本地副本已就绪：保存了 {n} 项结果。"},
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
    "data.share_relative": {
        "en": "Add this to the end of the app's address (e.g. https://ecops.example.com/data?ds=…).",
        "zh": "请将其添加到应用地址之后（如 https://ecops.example.com/data?ds=…）。",
    },
    "data.share_only_upload": {"en": "Only uploaded data can be saved; the sample and databases are shared by link already.",
                               "zh": "只能保存上传的数据；示例数据和数据库本身即可通过链接共享。"},
    "data.share_delete": {"en": "Delete the saved dataset", "zh": "删除已保存的数据集"},
    "data.share_not_owner": {
        "en": "Only the person who saved this dataset can delete it; otherwise it expires {days} days after saving.",
        "zh": "只有保存该数据集的人可以删除它；否则它在保存 {days} 天后自动过期。",
    },
    "data.share_deleted": {"en": "Deleted: the link no longer works.", "zh": "已删除：链接已失效。"},
    # Saving and sharing datasets, database addresses, and the load command (python -m ecops load)
    "data.url.unparsable": {
        "en": "this is not a database URL; write it as dialect://user:password@host:port/database (e.g. postgresql://reader:password@db.example.com:5432/shop)",
        "zh": "这不是数据库连接串；格式为 方言://用户:密码@主机:端口/库名（如 postgresql://reader:password@db.example.com:5432/shop）",
    },
    "data.url.dialect": {
        "en": "'{dialect}' databases are not supported here; connect a database server such as PostgreSQL, MySQL, "
              "SQL Server, Oracle, ClickHouse, Trino, Snowflake or BigQuery",
        "zh": "不支持“{dialect}”类型的数据库；请连接 PostgreSQL、MySQL、SQL Server、Oracle、ClickHouse、Trino、Snowflake 或 BigQuery 等数据库服务器",
    },
    "data.url.file": {
        "en": "'{dialect}' databases are files on the server and are switched off; connect a database server, "
              "upload the data as files, or ask the operator to set ECOPS_ALLOW_FILE_DATABASES=1",
        "zh": "“{dialect}”数据库是服务器上的文件，默认不允许连接；请连接数据库服务器、以文件形式上传数据，或请管理员设置 ECOPS_ALLOW_FILE_DATABASES=1",
    },
    "data.url.option": {
        "en": "the URL option '{option}' is not accepted from this box: it reaches files or sockets on the server "
              "or runs commands when connecting; ask the operator to configure the connection in .streamlit/secrets.toml",
        "zh": "此处不接受连接串选项“{option}”：它会访问服务器上的文件或套接字，或在连接时执行命令；请管理员在 .streamlit/secrets.toml 中配置该连接",
    },
    "data.url.driver": {
        "en": "the '{dialect}' driver is not installed here; ask the operator to run `pip install -r requirements-spark.txt`",
        "zh": "此服务器未安装“{dialect}”的驱动；请管理员运行 `pip install -r requirements-spark.txt`",
    },
    "data.url.file_path": {
        "en": "a '{dialect}' URL must name an existing database file, e.g. {dialect}:////srv/data/shop.db",
        "zh": "“{dialect}”连接串必须指向一个已存在的数据库文件，如 {dialect}:////srv/data/shop.db",
    },
    "data.saved.malformed": {"en": "This link is not valid.", "zh": "链接无效。"},
    "data.saved.unknown": {
        "en": "No saved dataset for this link: it was deleted, expired or never existed.",
        "zh": "此链接没有对应的已保存数据集：可能已删除、已过期或不存在。",
    },
    "data.saved.expired": {"en": "This saved dataset has expired.", "zh": "此已保存数据集已过期。"},
    "data.saved.corrupt": {"en": "The saved dataset could not be read.", "zh": "无法读取已保存的数据集。"},
    "data.saved.reserved": {
        "en": "The dataset has a table named {table}, which is reserved.",
        "zh": "数据集中存在保留表名 {table}。",
    },
    "data.saved.bad_input": {"en": "The dataset could not be saved: {detail}", "zh": "无法保存数据集：{detail}"},
    "data.cli.rows": {"en": "{table}: {rows:,} rows", "zh": "{table}: {rows:,} 行"},
    "data.cli.not_saved": {
        "en": "not saved (add --save to save it as a dataset the app opens by link)",
        "zh": "未保存（加 --save 保存为可分享的数据集）",
    },
    "data.cli.save_failed": {"en": "could not save the dataset: {detail}", "zh": "无法保存数据集：{detail}"},
    "data.cli.saved": {
        "en": "saved. Open it by adding this to the app's address (the link is the key: share it only with people "
              "who may see the data):",
        "zh": "已保存。在应用地址后加上以下路径即可打开（链接即密钥，请只分享给可以查看这些数据的人）：",
    },
}
