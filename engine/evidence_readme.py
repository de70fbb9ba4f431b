"""The README.txt of an evidence package: what it is, who exported it and when, how anyone
checks it without Jiahe, and what "intact" proves and does not. Chinese first, then English."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadmeFacts:
    filename: str
    case_no: str
    exported_at: str  # Beijing time, for people
    exported_by: str  # display name and username
    events: int
    documents: int
    erased_documents: int
    checkpoint_at: str | None  # when the included checkpoint was signed; None: none included
    fingerprint: str  # of the signing public key


def readme(facts: ReadmeFacts) -> str:
    return "\n".join([*_chinese(facts), "", "=" * 72, "", *_english(facts), ""])


def _chinese(f: ReadmeFacts) -> list[str]:
    checkpoint = ([f"  checkpoint.json            {f.checkpoint_at} 签名的审计检查点（各案件审计链末端的签名快照）"]
                  if f.checkpoint_at else [])
    no_checkpoint = ([] if f.checkpoint_at else
                     ["本包不含签名检查点：导出时检查点目录中没有覆盖本案的检查点（见 verification.json）。"])
    return [
        "家和（Jiahe）电子证据包",
        "=" * 24,
        f"案件编号：{f.case_no}",
        f"导出时间：{f.exported_at}（北京时间）",
        f"导出人：{f.exported_by}",
        f"审计事件：{f.events} 条；案件文书：{f.documents} 份"
        + (f"（另有 {f.erased_documents} 份已按保管期限删除，仅在清单中列明）" if f.erased_documents else ""),
        "",
        "一、这是什么",
        "本证据包是妇联在「家和」婚姻家庭纠纷调处系统中就上述案件所作记录的完整导出：受理登记、风险筛查、",
        "处置、走访等每一步都是带时间的审计事件，可作为申请人身安全保护令的证据（《最高人民法院关于办理",
        "人身安全保护令案件适用法律若干问题的规定》第六条）。导出本身也记入了本案的审计记录。",
        "",
        "包内文件：",
        "  README.txt                 本说明",
        "  case.json                  案件基本情况和全部案件数据（未遮蔽）",
        "  timeline.jsonl             审计时间线，每行一条事件，按发生顺序",
        "  documents/                 案件文书（调解协议书、扫描件等）",
        "  verification.json          导出时服务器对本案审计链的自检结果",
        *checkpoint,
        "  checkpoint-public-key.pem  签名公钥",
        "  manifest.json              清单：以上每个文件的 SHA-256 和大小、时间线的最终链值",
        "  manifest.sig               服务器对 manifest.json 的 Ed25519 签名",
        "  verify.py                  独立核验程序",
        *no_checkpoint,
        "",
        "注意：本包含有当事人的姓名、住址、联系方式等敏感个人信息（个人信息保护法第二十八条），仅供法院和",
        "代理律师使用。受害人的住址、联系方式不得让对方当事人知悉（反家庭暴力法）；向对方出示前请先遮蔽。",
        "",
        "二、如何独立核验",
        "只需 Python 3（3.8 或更高版本），无需安装任何软件包，也无需联网：",
        f"    python3 verify.py {f.filename}",
        "或在解压后的目录中运行：",
        "    python3 verify.py",
        "最后一行是「完好 / intact」（退出码 0）或「已损坏 / BROKEN」（退出码 1）。若有改动，程序会指出",
        "第一处被改动的事件（序号、类型、时间）或文件。verify.py 是普通文本，运行前可以阅读；其中的",
        "Ed25519 签名核验按 RFC 8032 编写。也可以不用 verify.py，按第五节的算法用其他工具复算。",
        "",
        "三、「完好」证明什么，不证明什么",
        "证明：",
        "  - 自导出之后，本包的每个文件一个字节都没有改动、增删（清单列出了每个文件的 SHA-256，清单本身有签名）；",
        "  - 签名出自持有该签名私钥的服务器；",
        "  - 时间线上的事件前后相接、没有被删除、插入或调换；尚未删除的个人信息与其摘要一致；",
        "  - 若含检查点：在检查点签名的时刻，服务器上本案的审计链已有这些事件，之后没有被改写。",
        "不证明：",
        "  - 记录的内容本身属实：记录的是工作人员当时录入的内容；",
        "  - 导出前数据库中的数据未被改动：这一点由服务器用审计密钥自检（verification.json）和检查点说明，",
        "    审计密钥不对外，法院无法自行复算每条事件的 hash；",
        "  - 公钥确属该妇联：须与妇联公开发布的公钥比对（见第四节）；",
        "  - 时间来自服务器时钟，不是第三方可信时间戳。",
        "依保管期限已删除的个人信息（personal 为 null）无法恢复，但其摘要仍在链中，不影响核验。",
        "",
        "四、签名与公布的公钥",
        "清单由服务器的检查点签名密钥签名，公钥即 checkpoint-public-key.pem，指纹（SHA-256）：",
        f"    {f.fingerprint}",
        "妇联应在其网站或公告中公布这把公钥（或其指纹）。把公布的公钥文件交给核验程序：",
        f"    python3 verify.py {f.filename} --public-key 公布的公钥.pem",
        "两者一致且核验完好，才说明本包确由该妇联的系统签发。",
        "",
        "五、算法（供用其他工具复算）",
        "  规范 JSON：键按字母排序，无多余空格（分隔符为 \",\" 和 \":\"），UTF-8，非 ASCII 字符不转义。",
        "  content_sha256 = SHA-256(该事件除 content_sha256、chain 以外各字段的规范 JSON)",
        "  chain = SHA-256(前一条事件的 chain 十六进制串 + 本条 content_sha256 十六进制串)；第一条之前为 64 个 0",
        "  最后一条事件的 chain 记在清单 manifest.json 中。",
        "  prev_hash 等于前一条事件的 hash；第一条的 prev_hash 为 64 个 0。",
        "  personal_digest = HMAC-SHA256(密钥 personal_key, personal 的规范 JSON)",
        "  hash 是服务器用审计密钥计算的 HMAC-SHA256，只能在服务器上复算（jiahe audit verify）。",
        "  manifest.sig 是对 manifest.json 原始字节的 Ed25519 签名（Base64）。",
    ]


def _english(f: ReadmeFacts) -> list[str]:
    checkpoint = ([f"checkpoint.json (the audit checkpoint signed at {f.checkpoint_at}: a signed snapshot of",
                   "every case's audit chain head);"]
                  if f.checkpoint_at else [])
    no_checkpoint = ([] if f.checkpoint_at else
                     ["No signed checkpoint is included: none in the checkpoint directory covered this case",
                      "at export (see verification.json)."])
    return [
        "Jiahe evidence package",
        "=" * 22,
        f"Case: {f.case_no}",
        f"Exported: {f.exported_at} (Beijing time)",
        f"Exported by: {f.exported_by}",
        f"Audit events: {f.events}; case documents: {f.documents}"
        + (f" (and {f.erased_documents} deleted at the end of their retention period, listed in the manifest "
           "only)" if f.erased_documents else ""),
        "",
        "1. What this is",
        "Everything the women's federation recorded about this case in Jiahe, its system for marriage and",
        "family disputes: intake, risk screening, handling and visits, each a timestamped audit event. It can",
        "support an application for a personal safety protection order (Supreme People's Court rules on",
        "protection orders, 2022, Art. 6). The export itself is an event of the case's audit trail.",
        "",
        "Files: README.txt (this text); case.json (the case's facts and all its data, unmasked);",
        "timeline.jsonl (the audit trail, one event per line, in order); documents/ (agreements, scans, ...);",
        "verification.json (the server's own check of the case's audit chain at export);",
        *checkpoint,
        "checkpoint-public-key.pem (the signing public key); manifest.json (SHA-256 and size of every file,",
        "the timeline's final chain value); manifest.sig (the server's Ed25519 signature of manifest.json);",
        "verify.py (the independent verifier).",
        *no_checkpoint,
        "",
        "It holds sensitive personal information (names, addresses, contacts; PIPL Art. 28) for the court",
        "and counsel. Never let the other party learn the victim's address or contacts: mask them first.",
        "",
        "2. How to verify it yourself",
        "Python 3 (3.8 or later) is all it takes: nothing to install, no network.",
        f"    python3 verify.py {f.filename}",
        "or, inside the unzipped folder:",
        "    python3 verify.py",
        "The last line says \"intact\" (exit code 0) or \"BROKEN\" (exit code 1), after naming the first",
        "altered event (number, type, time) or file. verify.py is plain text: read it first if you like; its",
        "Ed25519 check follows RFC 8032. Or recompute everything with other tools (section 5).",
        "",
        "3. What \"intact\" proves, and what it does not",
        "It proves: no byte of any file changed, and none was added or removed, since the export (the",
        "manifest lists every file's SHA-256 and is signed); the signature was made with the server's",
        "signing key; the events link up, none deleted, inserted or reordered, and every personal part",
        "still there matches its digest; with a checkpoint, the server held these events when the checkpoint",
        "was signed, unchanged since.",
        "It does not prove: that what was recorded is true (it is what staff entered at the time); that",
        "nobody changed the database before the export (the server's check under its secret audit key,",
        "verification.json, and the checkpoint speak to that: the per-event hash cannot be recomputed",
        "outside the server); that the public key is the federation's (compare it with the one the",
        "federation publishes, section 4); the times are the server's clock, not a trusted third party's.",
        "Personal information erased at the end of its retention period (personal is null) cannot be",
        "recovered; its digest stays in the chain and the package still verifies.",
        "",
        "4. The signature and the federation's published key",
        "The manifest is signed with the server's checkpoint signing key; its public key is",
        f"checkpoint-public-key.pem, fingerprint (SHA-256): {f.fingerprint}",
        "The federation publishes this key (or its fingerprint). Give the published key file to the verifier:",
        f"    python3 verify.py {f.filename} --public-key published-key.pem",
        "Only when it verifies intact with the published key was the package signed by the federation's system.",
        "",
        "5. The algorithms (to recompute with other tools)",
        "  Canonical JSON: keys sorted, no spaces (separators \",\" and \":\"), UTF-8, non-ASCII not escaped.",
        "  content_sha256 = SHA-256(canonical JSON of the event's fields other than content_sha256 and chain)",
        "  chain = SHA-256(previous event's chain in hex + this content_sha256 in hex); before the first: 64 zeros",
        "  The last event's chain is in manifest.json. prev_hash is the previous event's hash (64 zeros first).",
        "  personal_digest = HMAC-SHA256(key personal_key, canonical JSON of personal)",
        "  hash is the server's HMAC-SHA256 under its audit key: only the server recomputes it (jiahe audit verify).",
        "  manifest.sig is the Ed25519 signature (Base64) of the exact bytes of manifest.json.",
    ]
