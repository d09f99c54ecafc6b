"""Reading a pain.002 payment status report (.001.03 and .001.10) as a :class:`~budgetbeheer.bank.model.StatusReport`.

The same safety as the statements (:mod:`budgetbeheer.bank.xmlsafe`): no DOCTYPE, no entities, a size limit, a
stream in which every payment-information block is freed once read. A transfer without its own ``TxSts`` takes the
status of its block (or of the group): the bank's verdict on the whole.
"""

from __future__ import annotations

from lxml import etree

from budgetbeheer.bank.camt import check_message, parse_datetime, text
from budgetbeheer.bank.model import PaymentInformationStatus, StatusReport, TransferStatus
from budgetbeheer.bank.xmlsafe import (
    DEFAULT_LIMITS,
    Limits,
    Source,
    is_zip,
    iterparse,
    local,
    open_xml,
    refuse,
    release,
)
from budgetbeheer.errors import Message

STATUS_VERSIONS = frozenset({"pain.002.001.03", "pain.002.001.10"})


def _reason(element: etree._Element) -> str | None:
    return text(element, "StsRsnInf/Rsn/Cd") or text(element, "StsRsnInf/Rsn/Prtry")


def _info(element: etree._Element) -> str:
    return " ".join(
        value for line in element.iterfind("{*}StsRsnInf/{*}AddtlInf") if (value := (line.text or "").strip())
    )


def read_status_report(source: Source, limits: Limits = DEFAULT_LIMITS) -> StatusReport:
    """The status report in ``source`` (one XML file; a zip is refused).

    Refused (:class:`~budgetbeheer.errors.ValidationError` on ``file``): not XML, a DOCTYPE, too large, another
    message type (named), an unknown version, no ``OrgnlMsgId``, a block without ``OrgnlPmtInfId``, a transfer
    without any status."""
    if is_zip(source):
        raise refuse("Een statusrapport (pain.002) wordt als los XML-bestand gelezen, niet in een zip.")
    document = open_xml(source, limits)
    name = document.name
    try:
        kind = check_message(document, Message("statusrapport van betalingen (pain.002)"), STATUS_VERSIONS)
        message_id: str | None = None
        created_at = None
        original: str | None = None
        group_status: str | None = None
        group_reason: str | None = None
        blocks: list[PaymentInformationStatus] = []
        for element in iterparse(document, ("GrpHdr", "OrgnlGrpInfAndSts", "OrgnlPmtInfAndSts")):
            tag = local(element)
            if tag == "GrpHdr":
                message_id = text(element, "MsgId")
                created_at = parse_datetime(text(element, "CreDtTm"), "GrpHdr", name)
            elif tag == "OrgnlGrpInfAndSts":
                original = text(element, "OrgnlMsgId")
                group_status = text(element, "GrpSts")
                group_reason = _reason(element)
            else:
                blocks.append(_block(element, name, len(blocks) + 1, group_status))
            release(element)
    finally:
        document.stream.close()
    if message_id is None:
        raise refuse("Het statusrapport %(name)s heeft geen berichtnummer (GrpHdr/MsgId).", name=name)
    if original is None:
        raise refuse("Het statusrapport %(name)s noemt niet welke betaalopdracht het beantwoordt "
                     "(OrgnlGrpInfAndSts/OrgnlMsgId).", name=name)
    return StatusReport(kind=kind, message_id=message_id, created_at=created_at, original_message_id=original,
                        group_status=group_status, group_reason=group_reason, payment_informations=tuple(blocks))


def _block(element: etree._Element, name: str, number: int, group_status: str | None) -> PaymentInformationStatus:
    identifier = text(element, "OrgnlPmtInfId")
    if identifier is None:
        raise refuse("Blok %(number)s van het statusrapport %(name)s heeft geen OrgnlPmtInfId.", number=number,
                     name=name)
    status = text(element, "PmtInfSts")
    transfers = []
    for index, item in enumerate(element.iterfind("{*}TxInfAndSts"), 1):
        verdict = text(item, "TxSts") or status or group_status
        if verdict is None:
            raise refuse("Transactie %(index)s van blok %(block)s in het statusrapport %(name)s heeft geen status.",
                         index=index, block=identifier, name=name)
        transfers.append(TransferStatus(
            original_end_to_end_id=text(item, "OrgnlEndToEndId"),
            original_instruction_id=text(item, "OrgnlInstrId"),
            status=verdict, reason=_reason(item), additional_info=_info(item),
        ))
    return PaymentInformationStatus(identifier, status, _reason(element), tuple(transfers))
