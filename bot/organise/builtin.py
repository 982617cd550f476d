"""The organiser commands every organiser has: what organisers can do here, and reloading the content."""

from __future__ import annotations

from bot.organise.context import OrganiserContext, OrganiserRouter, wake_sender
from bot.organise.i18n import ON_
from bot.organise.stranded import move_stranded

router = OrganiserRouter()  # included in the organiser table, bot/organise/table.py


@router.command("organiser", ON_("what organisers can do here"))
async def organiser_help(ctx: OrganiserContext, args: str) -> None:
    """The list of organiser commands, with what each does."""
    from bot.organise.help import organiser_help_text

    ctx.reply(organiser_help_text(ctx.o.language, ctx.scope, ctx.commands))


@router.command("reload", ON_("load the conversation files again, without a restart"), network_only=True)
async def reload(ctx: OrganiserContext, args: str) -> None:
    """Reload content; content that does not pass the check is refused and the running content stays."""
    o = ctx.o
    old = ctx.library
    library = await ctx.dispatcher.reload_in_thread()
    if library.ok:
        text = "✅ " + o.format(
            o.ogettext("Content reloaded: {count} conversation(s)."),
            count=len(library.rounds) + len(library.walks) + len(library.meetings),
        )
        moved = await move_stranded(ctx.dispatcher, old)  # no one stays on a prompt that is gone
        if moved:
            wake_sender(ctx.dispatcher)
            text += "\n" + o.format(
                o.ongettext(
                    "{count} participant was on a removed question and moved on to their next one.",
                    "{count} participants were on a removed question and moved on to their next one.",
                    moved,
                ),
                count=moved,
            )
        warnings = [str(problem) for problem in library.problems]
        if warnings:
            text += "\n" + "\n".join(warnings[:20])
    else:
        text = "❌ " + o.ogettext("Content not reloaded; the current content stays. Fix these first:") + "\n"
        text += "\n".join(str(problem) for problem in library.errors[:30])
    ctx.reply(text)
    ctx.log("reload", ok=library.ok, errors=len(library.errors), moved=moved if library.ok else 0)
