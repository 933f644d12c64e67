# ruff: noqa: E501  -- phrase pools are prose, kept on one line each
"""Non-offer kinds (label 0): hard negatives that share the offers' vocabulary or shape."""

from __future__ import annotations

from pillscan.generate import shared, vocab
from pillscan.generate.grammar import Ctx, Draft, family
from pillscan.lexicon import Drug

NEWS = {"web": 2.0, "x": 0.8, "facebook": 0.5, "reddit": 0.4}


def _ind(ctx: Ctx, d: Drug) -> str:
    if ctx.lang == "es":
        return vocab.INDICATIONS_ES[d.drug_class]
    return ctx.pick(vocab.INDICATIONS[d.drug_class])


# --- news and police reports ----------------------------------------------------------------------
@family("news", 0, NEWS, langs=("en",), weight=1.4)
def news_seizure(ctx: Ctx) -> Draft:
    """Seizure headline + lead: counts, imprints, city, agency."""
    d = ctx.drug()
    n = ctx.pick((f"{ctx.num(2, 900)},000", str(ctx.num(200, 9000)), f"{ctx.num(1, 9)} million", "thousands of"))
    city = ctx.fill("{city}")
    fake = ctx.pick(("fake", "counterfeit", "fentanyl-laced", "pressed", "bogus", "look-alike"))
    head = ctx.pick(
        (
            f"{ctx.fill('{agency}').capitalize()} seize {n} {fake} {ctx.name(d, 'brand')} pills in {city}",
            f"{n} {fake} pills seized in {city} traffic stop",
            f"{city} bust nets {n} pills made to look like {ctx.name(d, 'formal')}",
            f"Record {fake} pill seizure at {ctx.pick(('Nogales', 'San Ysidro', 'El Paso', 'Laredo'))} port of entry",
        )
    )
    lead = ctx.pick(
        (
            f'{ctx.fill("{agency}").capitalize()} said the tablets were stamped "{ctx.imprint(d) or ctx.name(d)}" '
            f"to mimic {ctx.name(d, 'brand')} but tested positive for fentanyl.",
            f"The {ctx.colour(d)} pills, sold on social media as {ctx.name(d)}, were found in a {ctx.pick(('car', 'storage unit', 'backpack', 'apartment'))} "
            f"along with ${ctx.num(2, 90)},000 in cash, officials said {ctx.fill('{weekday}')}.",
            f"Two people were arrested after investigators traced {ctx.name(d)} sales on {ctx.pick(('Snapchat', 'Instagram', 'Telegram', 'TikTok'))} "
            f"to a home in {city}.",
            f"Officials warned that {ctx.num(4, 7)} out of 10 counterfeit pills tested contain a potentially deadly dose.",
        )
    )
    return Draft([lead], title=head)


@family("news", 0, NEWS, langs=("en",))
def news_overdose_report(ctx: Ctx) -> Draft:
    """Overdose death reports with the drug the victim thought they took."""
    d = ctx.drug()
    age = ctx.fill("{age}")
    head = ctx.pick(
        (
            f"{age}-year-old dies after taking what he thought was {ctx.name(d, 'brand')}",
            f"Family says teen bought {ctx.name(d, 'brand')} on Snapchat; it was fentanyl",
            f"Overdoses linked to counterfeit {ctx.name(d, 'brand')} rise in {ctx.fill('{city}')}",
            f"Coroner: {ctx.num(3, 40)} deaths tied to fake {ctx.name(d)} this year",
        )
    )
    lead = ctx.pick(
        (
            f"The medical examiner found no {ctx.name(d, 'generic')} in the pill, only fentanyl, the {ctx.fill('{outlet}')} reported.",
            f"Parents of the {ctx.fill('{city}')} student are urging others to talk to their kids about pills bought online.",
            f"Health officials said the {ctx.colour(d)} tablets looked identical to real {ctx.name(d, 'brand')}.",
        )
    )
    return Draft([lead], title=head)


@family("news", 0, NEWS, langs=("en",))
def news_court_sentence(ctx: Ctx) -> Draft:
    """Court outcomes for dealers."""
    d = ctx.drug()
    head = ctx.pick(
        (
            f"{ctx.fill('{city}')} man sentenced to {ctx.num(5, 30)} years for selling fake {ctx.name(d, 'brand')}",
            f"Dark web vendor pleads guilty to shipping counterfeit {ctx.name(d, 'brand')} pills",
            f"Jury convicts woman who sold pressed {ctx.name(d)} linked to overdose",
            f"Feds charge {ctx.num(3, 14)} in {ctx.name(d, 'formal')} pill-press ring",
        )
    )
    lead = ctx.pick(
        (
            f"Prosecutors said he advertised {ctx.name(d)} on social media and took payment through CashApp.",
            f"According to the indictment, the group shipped {ctx.num(10, 500)},000 pills through the mail.",
            f"The judge cited the death of a {ctx.fill('{age}')}-year-old customer.",
        )
    )
    return Draft([lead], title=head)


@family("news", 0, NEWS, langs=("en",))
def news_policy_health(ctx: Ctx) -> Draft:
    """Policy, shortages, FDA, prescribing news about the same drugs."""
    d = ctx.drug()
    head = ctx.pick(
        (
            f"FDA extends {ctx.name(d, 'brand')} shortage as makers struggle with supply",
            f"Telehealth rules for prescribing {ctx.name(d, 'generic')} extended another year",
            f"Study: {ctx.name(d, 'generic')} prescriptions rose {ctx.num(5, 60)}% since 2019",
            f"Lawmakers push to reschedule {ctx.name(d, 'generic')}",
            f"Pharmacies limit {ctx.name(d, 'brand')} refills amid DEA quotas",
        )
    )
    lead = ctx.pick(
        (
            "Patients say they have called a dozen pharmacies to fill a single prescription.",
            f"Experts say the change could push people toward {ctx.pick(('street', 'counterfeit', 'online'))} pills.",
            f"The {ctx.pick(('agency', 'report', 'survey'))} covered {ctx.num(2, 90)} million patients.",
        )
    )
    return Draft([lead], title=head)


@family("news", 0, {"web": 2.0, "x": 0.5, "facebook": 0.3}, langs=("en",), weight=1.2)
def news_unrelated(ctx: Ctx) -> Draft:
    """Ordinary headlines (sports, business, weather) — the news shape without drugs."""
    head = ctx.pick(
        (
            f"{ctx.fill('{team}')} rally late to beat {ctx.fill('{team}')} {ctx.num(1, 40)}-{ctx.num(0, 30)}",
            f"Stocks slip as investors weigh {ctx.pick(('rate', 'jobs', 'inflation', 'earnings'))} data",
            f"{ctx.fill('{city}')} council approves new {ctx.pick(('bike lanes', 'budget', 'stadium deal', 'housing plan'))}",
            f"Storm knocks out power to {ctx.num(2, 90)},000 in {ctx.fill('{city}')}",
            f"{ctx.pick(('Apple', 'Google', 'Amazon', 'Microsoft', 'Intel'))} shares {ctx.pick(('jump', 'fall', 'rise'))} "
            f"after {ctx.pick(('earnings', 'product launch', 'antitrust ruling'))}",
            f"Oil prices {ctx.pick(('climb', 'drop', 'steady'))} as OPEC {ctx.pick(('meets', 'cuts output', 'holds'))}",
        )
    )
    lead = ctx.pick(
        (
            f"{ctx.fill('{outlet}')} - The {ctx.pick(('company', 'city', 'team', 'agency'))} said on {ctx.fill('{weekday}')} "
            f"it expects {ctx.pick(('growth', 'delays', 'a recovery', 'changes'))} next quarter.",
            f"Officials expect the work to finish by {ctx.fill('{month}')}.",
            f"Fans and analysts reacted {ctx.pick(('with surprise', 'cautiously', 'loudly'))} on social media.",
        )
    )
    return Draft([lead], title=head)


@family("news", 0, {"web": 2.0, "x": 0.6, "facebook": 0.6}, langs=("es",))
def noticia_decomiso(ctx: Ctx) -> Draft:
    """Spanish news about seizures and fake pills."""
    d = ctx.drug()
    head = ctx.pick(
        (
            f"Aseguran {ctx.num(2, 900)} mil pastillas de fentanilo en {ctx.fill('{city_es}')}",
            f"{ctx.fill('{agency_es}').capitalize()} decomisa pastillas falsas de {ctx.name(d, 'brand')}",
            f"Alertan por venta de {ctx.name(d)} falsas en redes sociales",
            f"Muere joven tras consumir pastilla que creía era {ctx.name(d, 'brand')}",
        )
    )
    lead = ctx.pick(
        (
            "Las autoridades señalaron que las pastillas se vendían por redes sociales y contenían fentanilo.",
            f"El operativo se realizó en {ctx.fill('{city_es}')}, donde fueron detenidas {ctx.num(2, 9)} personas.",
            "Especialistas advierten que no existe forma de saber qué contiene una pastilla comprada en la calle.",
        )
    )
    return Draft([lead], title=head)


# --- harm reduction and parent warnings -------------------------------------------------------
@family("harm_reduction", 0, {"instagram": 1.0, "facebook": 1.2, "x": 1.0, "tiktok": 0.8, "reddit": 0.5}, langs=("en",))
def warn_counterfeit(ctx: Ctx) -> Draft:
    """Warnings that pills from social media are fake; test strips."""
    d = ctx.drug()
    parts = [
        ctx.pick(
            (
                f"PSA: if someone on snap is selling {ctx.name(d)}, it is not real.",
                f"Any {ctx.name(d, 'brand')} not from a pharmacy should be treated as fentanyl.",
                f"Fake {ctx.name(d)} look exactly like the real thing, even the {ctx.imprint(d) or 'imprint'}.",
                f"One pill can kill. The {ctx.colour(d)} {ctx.name(d)} going around {ctx.fill('{city}')} are pressed.",
            )
        ),
        ctx.pick(
            (
                "Test strips are free at the health department.",
                "Carry naloxone (Narcan) and never use alone.",
                "If you see someone selling pills, report the account.",
                "Talk to your kids tonight.",
                "Share this, it could save a life.",
            )
        ),
    ]
    return Draft(parts, tags=ctx.tags(("onepillcankill", "fentanylawareness", "narcan", "harmreduction"), 1, 3))


@family("harm_reduction", 0, {"facebook": 1.5, "instagram": 1.0, "tiktok": 1.0, "x": 0.5}, langs=("en",))
def warn_parent_emoji_guide(ctx: Ctx) -> Draft:
    """Emoji cheat sheet for parents: what dealers' emoji mean."""
    lines = [shared.warn_head(ctx), *shared.emoji_legend(ctx, 2, 5)]
    lines += [shared.warn_advice(ctx) for _ in range(ctx.num(1, 2))]
    return Draft(lines, tags=ctx.tags(("parents", "onepillcankill", "emojicode", "awareness"), 1, 3))


@family("harm_reduction", 0, {"reddit": 1.0, "x": 0.8, "instagram": 0.6}, langs=("en",))
def warn_test_your_pills(ctx: Ctx) -> Draft:
    """Harm-reduction advice on testing and dosing."""
    d = ctx.drug()
    parts = [
        ctx.pick(
            (
                f"If you get {ctx.name(d)} off the street, test it first.",
                f"Pressed {ctx.name(d)} can have wildly different amounts in each pill.",
                f"Reagent test showed the {ctx.name(d)} from a friend had fent in it.",
            )
        ),
        ctx.pick(
            (
                "Start with a quarter.",
                "Don't mix with alcohol.",
                "Have narcan nearby.",
                "Dancesafe sells test kits.",
                "Never use alone: call the hotline.",
            )
        ),
    ]
    return Draft(parts, title=ctx.pick(("Harm reduction reminder", "please test your stuff", "PSA", None)))


@family("harm_reduction", 0, {"facebook": 1.0, "instagram": 1.0, "tiktok": 0.6, "x": 0.6}, langs=("es",))
def aviso_prevencion(ctx: Ctx) -> Draft:
    """Spanish prevention and parent warning."""
    d = ctx.drug()
    parts = [
        ctx.pick(
            (
                f"Padres: las pastillas de {ctx.name(d)} que se venden en redes pueden tener fentanilo.",
                f"Una sola pastilla puede matar. Las {ctx.name(d)} falsas se ven igual a las reales.",
                f"Si alguien te ofrece {ctx.name(d)} por snap, no es de farmacia.",
            )
        ),
        ctx.pick(
            (
                "Hablen con sus hijos.",
                "Compartan este mensaje.",
                "Denuncien las cuentas.",
                "Ante una sobredosis llama al 911.",
            )
        ),
    ]
    return Draft(parts, tags=ctx.tags(("fentanilo", "prevención", "unapastillapuedematar"), 0, 2))


# --- patients on their own prescriptions ---------------------------------------------------------
def _review_sentences(ctx: Ctx, d: Drug, long: bool) -> list[str]:
    nm = ctx.name(d, "formal")
    dose = ctx.dose(d)
    s = [
        ctx.pick(
            (
                f"I was prescribed {nm} {dose} for {_ind(ctx, d)} about {ctx.num(2, 11)} months ago.",
                f"{ctx.fill('{doctor}').capitalize()} started me on {nm} for {_ind(ctx, d)}.",
                f"Been taking {nm} {dose} {ctx.pick(('twice a day', 'at night', 'as needed', 'every morning'))} "
                f"for {ctx.num(1, 9)} years.",
                f"After trying {ctx.num(2, 5)} other meds I ended up on {nm}.",
            )
        ),
        ctx.pick(
            (
                f"The first week I {ctx.fill('{effect}')}.",
                f"Honestly it {ctx.pick(('changed my life', 'helped a little', 'did nothing for me', 'worked better than expected'))}.",
                f"It {ctx.fill('{effect}')}, but the {ctx.fill('{side}')} was rough.",
            )
        ),
        ctx.pick(
            (
                f"Side effects: {ctx.fill('{side}')} and {ctx.fill('{side}')}.",
                f"The only downside is {ctx.fill('{side}')}.",
                f"I did get {ctx.fill('{side}')} for the first few days.",
            )
        ),
    ]
    if long:
        s += ctx.some(
            [
                f"{ctx.fill('{doctor}').capitalize()} {ctx.pick(('raised', 'lowered', 'kept'))} my dose after {ctx.num(2, 8)} weeks.",
                f"Tapering off was {ctx.pick(('hard', 'easier than I thought', 'brutal', 'fine with a slow schedule'))}.",
                "I never take more than prescribed and I keep it locked up.",
                f"Insurance covers it but the copay is ${ctx.num(5, 90)}.",
                f"Would {ctx.pick(('recommend', 'not recommend', 'cautiously recommend'))} to someone with {_ind(ctx, d)}.",
                "Talk to your doctor before stopping, withdrawal is real.",
                f"Pharmacy switched my generic and the new one feels {ctx.pick(('weaker', 'the same', 'different'))}.",
                f"I'd give it {ctx.num(3, 10)}/10.",
            ],
            2,
            5,
        )
    return s


@family("patient_review", 0, {"reddit": 1.0, "web": 1.5, "facebook": 0.3}, langs=("en",), weight=1.5)
def patient_review_long(ctx: Ctx) -> Draft:
    """Long first-person review of one's own controlled medication."""
    d = ctx.drug()
    s = _review_sentences(ctx, d, True)
    first, rest = s[0], ctx.shuffled(s[1:])
    return Draft([first, *rest], title=ctx.pick((f"{ctx.name(d, 'formal')} experience", "my review", None)))


@family("patient_review", 0, {"web": 1.0, "reddit": 0.6}, langs=("en",))
def patient_review_rating(ctx: Ctx) -> Draft:
    """Short star-rating review."""
    d = ctx.drug()
    text = ctx.pick(
        (
            f'"{ctx.pick(("Works", "Helps", "Saved me", "Not for me"))}. {ctx.fill("{side}").capitalize()} but {ctx.fill("{effect}")}."',
            f"{ctx.num(1, 10)}/10 - {ctx.name(d, 'formal')} {ctx.dose(d)} for {_ind(ctx, d)}, {ctx.fill('{effect}')}.",
            f"Rated {ctx.num(1, 5)} stars: {ctx.fill('{effect}')}; {ctx.fill('{side}')}.",
        )
    )
    return Draft([text])


@family("patient_review", 0, {"reddit": 1.5, "facebook": 0.5, "x": 0.5}, langs=("en",))
def patient_question(ctx: Ctx) -> Draft:
    """Patient asking others about their own meds (dose, timing, interaction)."""
    d = ctx.drug()
    title = ctx.pick(
        (
            f"Is {ctx.dose(d)} of {ctx.name(d, 'formal')} a lot?",
            f"{ctx.name(d, 'formal')} and {ctx.pick(('coffee', 'alcohol', 'ibuprofen', 'melatonin'))}?",
            f"How long did it take for {ctx.name(d)} to work for you?",
            f"Pharmacy out of my {ctx.name(d, 'brand')} again",
            f"Doctor switched me from {ctx.name(d, 'brand')} to {ctx.name(ctx.drug(), 'brand')}",
        )
    )
    body = ctx.pick(
        (
            f"Just started {ctx.dose(d)} for {_ind(ctx, d)} and I'm getting {ctx.fill('{side}')}. Normal?",
            f"My script says {ctx.pick(('1 tab daily', 'take as needed', 'twice daily'))}. Anyone else?",
            "Not looking for medical advice, just experiences.",
        )
    )
    return Draft([body], title=title)


@family("patient_review", 0, {"web": 1.0, "reddit": 1.0}, langs=("en",))
def patient_review_other_med(ctx: Ctx) -> Draft:
    """Reviews of ordinary medicines (not in the street-pill lexicon)."""
    brand, generic, dose, ind = ctx.pick(vocab.OTHER_MEDS)
    nm = ctx.pick((brand, generic))
    s = [
        f"I've been on {nm} {dose} for {ind} for {ctx.num(1, 9)} {ctx.pick(('months', 'years', 'weeks'))}.",
        f"It {ctx.fill('{effect}')}.",
        f"Side effects were {ctx.fill('{side}')}.",
    ]
    s += ctx.some(
        [
            "My doctor says my labs look better.",
            f"Would give it {ctx.num(3, 10)}/10.",
            "Cheap with insurance.",
            "Take it with food or it upsets my stomach.",
            "Stopped after a month because of the side effects.",
        ],
        0,
        3,
    )
    return Draft(s)


@family("patient_review", 0, {"facebook": 1.0, "x": 1.0, "reddit": 0.5, "web": 0.5}, langs=("es",))
def paciente_resena(ctx: Ctx) -> Draft:
    """Spanish patient talking about their own prescription."""
    d = ctx.drug()
    s = [
        ctx.pick(
            (
                f"Mi doctor me recetó {ctx.name(d, 'formal')} {ctx.dose(d)} para {_ind(ctx, d)}.",
                f"Llevo {ctx.num(2, 12)} meses tomando {ctx.name(d, 'formal')}.",
            )
        ),
        ctx.pick(
            (
                "Me ha ayudado bastante.",
                "Al principio me daba mucho sueño.",
                "No noto gran diferencia.",
                "Me quita la ansiedad pero me da dolor de cabeza.",
            )
        ),
        ctx.pick(("¿A alguien más le pasa?", "Lo tomo solo como me indicó el médico.", "")),
    ]
    return Draft(s)


# --- recovery and grief --------------------------------------------------------------------
@family("recovery_grief", 0, {"reddit": 1.2, "facebook": 1.0, "instagram": 0.8, "x": 0.6}, langs=("en",))
def recovery_milestone(ctx: Ctx) -> Draft:
    """Sobriety milestone posts naming the drug they quit."""
    d = ctx.drug()
    parts = [
        ctx.pick(
            (
                f"{ctx.num(1, 900)} days clean from {ctx.name(d)} today.",
                f"{ctx.num(1, 12)} years ago I was buying {ctx.name(d)} from a plug every day.",
                f"Never thought I'd be free of {ctx.name(d)}.",
            )
        ),
        ctx.pick(
            (
                "Grateful for my sponsor and my meetings.",
                "If you're struggling, reach out. It gets better.",
                "Suboxone and therapy saved my life.",
                "One day at a time.",
                "My kids have their dad back.",
            )
        ),
    ]
    return Draft(
        parts,
        title=ctx.pick(("Milestone", f"{ctx.num(30, 365)} days", None)),
        tags=ctx.tags(("recovery", "sobriety", "odaat", "cleanandsober"), 0, 3),
    )


@family("recovery_grief", 0, {"facebook": 1.5, "instagram": 1.0, "x": 0.5}, langs=("en",))
def grief_memorial(ctx: Ctx) -> Draft:
    """Families mourning someone who died from a fake pill."""
    d = ctx.drug()
    parts = [
        ctx.pick(
            (
                f"My {ctx.fill('{relative}')} was {ctx.fill('{age}')}. He took one pill he thought was {ctx.name(d, 'brand')}.",
                f"{ctx.num(1, 5)} years since we lost {ctx.fill('{first}')} to a counterfeit {ctx.name(d)}.",
                f"Happy heavenly birthday {ctx.fill('{first}')}. Fentanyl in a fake {ctx.name(d)} took you from us.",
            )
        ),
        ctx.pick(
            (
                "Please talk to your kids.",
                "We miss you every day.",
                "Fentanyl doesn't care who you are.",
                "Share his story.",
                "Forever " + ctx.fill("{age}") + " " + ctx.pick(vocab.SAD),
            )
        ),
    ]
    return Draft(parts, tags=ctx.tags(("onepillcankill", "fentanylkills", "forever"), 0, 3))


@family("recovery_grief", 0, {"reddit": 1.5, "x": 0.6}, langs=("en",))
def recovery_struggle(ctx: Ctx) -> Draft:
    """People in early recovery describing cravings and relapse."""
    d = ctx.drug()
    title = ctx.pick(
        (
            f"Relapsed on {ctx.name(d)} after {ctx.num(2, 14)} months",
            f"Craving {ctx.name(d)} so bad today",
            f"Withdrawal from {ctx.name(d)}, day {ctx.num(1, 10)}",
            f"How do you stop thinking about {ctx.name(d)}?",
        )
    )
    body = ctx.pick(
        (
            "I deleted my plug's number but I still remember it.",
            "Going to a meeting tonight.",
            "My doctor is tapering me off slowly.",
            "The sweats and no sleep are the worst part.",
        )
    )
    return Draft([body], title=title)


@family("recovery_grief", 0, {"facebook": 1.0, "instagram": 1.0, "x": 0.5}, langs=("es",))
def recuperacion_duelo(ctx: Ctx) -> Draft:
    """Spanish recovery and grief."""
    d = ctx.drug()
    parts = [
        ctx.pick(
            (
                f"Hoy cumplo {ctx.num(1, 500)} días sin {ctx.name(d)}.",
                f"Mi {ctx.fill('{relative_es}')} murió por una pastilla falsa de {ctx.name(d)}.",
                f"Perdimos a {ctx.fill('{first}')} por el fentanilo.",
            )
        ),
        ctx.pick(("Un día a la vez.", "Te extrañamos.", "Hablen con sus hijos.", "Sí se puede salir.")),
    ]
    return Draft(parts)


# --- legitimate pharmacy / telehealth -------------------------------------------------------
@family("legit_pharmacy", 0, {"sms": 1.5, "email": 1.0, "facebook": 0.6}, langs=("en",))
def pharmacy_refill_notice(ctx: Ctx) -> Draft:
    """Pharmacy refill and pickup notifications."""
    d = ctx.drug()
    text = ctx.pick(
        (
            f"{ctx.fill('{pharmacy}')}: Your prescription for {ctx.name(d, 'formal')} {ctx.dose(d)} is ready for pickup. Reply STOP to opt out.",
            f"Reminder: refill due for {ctx.name(d, 'generic')}. Order online or call your pharmacy.",
            f"Your Rx #{ctx.num(100000, 999999)} has shipped and will be delivered {ctx.fill('{when}')}. Signature required.",
            f"{ctx.fill('{pharmacy}')} - {ctx.name(d, 'formal')} is on backorder. We will text you when it's in stock.",
        )
    )
    return Draft([text])


@family("legit_pharmacy", 0, {"instagram": 1.0, "facebook": 1.0, "x": 0.6, "tiktok": 0.5}, langs=("en",))
def telehealth_ad(ctx: Ctx) -> Draft:
    """Telehealth marketing for evaluation by a licensed clinician."""
    d = ctx.drug()
    parts = [
        ctx.pick(
            (
                f"Struggling with {_ind(ctx, d)}? Talk to a licensed provider online.",
                f"Online {_ind(ctx, d)} care from board-certified clinicians.",
                f"Get evaluated for {_ind(ctx, d)} from home.",
            )
        ),
        ctx.pick(
            (
                "Prescriptions only when clinically appropriate.",
                "Controlled substances require an in-person visit.",
                "Insurance accepted.",
                "Book a visit today.",
                "Sent to your local pharmacy.",
            )
        ),
        ctx.pick(("Link in bio.", "Visit our website.", "DM us with questions.", "Order online for refills.")),
    ]
    return Draft(parts, tags=ctx.tags(("telehealth", "mentalhealth", "adhd", "anxiety"), 0, 3))


@family("legit_pharmacy", 0, {"facebook": 1.0, "instagram": 1.0, "x": 0.8, "web": 0.5}, langs=("en",))
def pharmacy_public_notice(ctx: Ctx) -> Draft:
    """Pharmacy posts: take-back day, hours, safe storage."""
    d = ctx.drug()
    parts = [
        ctx.pick(
            (
                "Drug Take Back Day is Saturday!",
                "Holiday hours: open 9-5.",
                f"Safely dispose of unused {ctx.name(d, 'formal')} and other medicines.",
                "Free naloxone available at the counter, no prescription needed.",
                f"We now stock {ctx.name(d, 'generic')} generics at a lower copay.",
            )
        ),
        ctx.pick(
            (
                "Drop-off box by the entrance.",
                "Ask your pharmacist.",
                "Call us for details.",
                f"Delivery available in {ctx.fill('{city}')}.",
                "We accept most insurance.",
            )
        ),
    ]
    return Draft(parts)


# --- legitimate pharmacy catalogue entries -------------------------------------------------
@family("pharmacy_catalog", 0, {"web": 3.0}, langs=("en",), weight=1.4)
def catalog_entry_controlled(ctx: Ctx) -> Draft:
    """Catalogue entry for a controlled medicine: name, generic, strength, use."""
    d = ctx.drug()
    brand = ctx.title_case(ctx.pick(d.brands or d.generics))
    generic = ctx.pick(d.generics)
    ctx.keywords += [brand, generic]
    form = ctx.pick(("tablets", "tablet", "capsules", "extended-release tablets", "oral tablet", "tabs"))
    text = ctx.pick(
        (
            f"{brand} ({generic}) {ctx.dose(d)} {form} - used for the treatment of {_ind(ctx, d)}.",
            f"{brand} {ctx.dose(d)} {form}. Active ingredient: {generic}. Indication: {_ind(ctx, d)}. Prescription required.",
            f"{generic.title()} {ctx.dose(d)} {form} | Generic for {brand} | {ctx.num(30, 100)} count | Rx only",
            f"{brand}: {generic} is a {d.drug_class} medicine used to treat {_ind(ctx, d)}.",
            f"{generic} {ctx.dose(d)} - {ctx.pick(('Schedule II', 'Schedule IV', 'controlled substance', 'Rx only'))}. "
            f"For {_ind(ctx, d)}. Not for use in children under {ctx.num(6, 18)}.",
        )
    )
    return Draft([text])


@family("pharmacy_catalog", 0, {"web": 3.0}, langs=("en",))
def catalog_entry_general(ctx: Ctx) -> Draft:
    """Catalogue entry for ordinary medicines."""
    brand, generic, dose, ind = ctx.pick(vocab.OTHER_MEDS)
    text = ctx.pick(
        (
            f"{brand} ({generic}) {dose} tablets - used for the treatment of {ind}.",
            f"{generic.title()} {dose} | {ctx.num(30, 90)} tablets | for {ind}",
            f"{brand}: contains {generic}. Used to treat {ind}. Take as directed by your doctor.",
            f"{generic} {dose} capsule. Indication: {ind}. Prescription only medicine.",
        )
    )
    return Draft([text])


@family("pharmacy_catalog", 0, {"web": 2.0}, langs=("es",))
def catalogo_farmacia(ctx: Ctx) -> Draft:
    """Spanish pharmacy catalogue entry."""
    d = ctx.drug()
    text = ctx.pick(
        (
            f"{ctx.title_case(ctx.pick(d.brands or d.generics))} ({ctx.pick(d.generics)}) {ctx.dose(d)} tabletas - "
            f"indicado para el tratamiento de {_ind(ctx, d)}. Requiere receta médica.",
            f"{ctx.pick(d.generics).title()} {ctx.dose(d)}, caja con {ctx.num(10, 60)} tabletas. Venta bajo receta.",
        )
    )
    return Draft([text])


# --- legal goods with the same sale shape ---------------------------------------------------
def _goods(ctx: Ctx) -> tuple[str, str, int, int]:
    return ctx.pick(vocab.GOODS_ES if ctx.lang == "es" else vocab.GOODS)


@family(
    "legal_goods_sale", 0, {"facebook": 1.5, "instagram": 1.0, "snapchat": 0.8, "x": 0.6, "tiktok": 0.6}, weight=1.6
)
def goods_sale_post(ctx: Ctx) -> Draft:
    """Ordinary sale: DM, CashApp, ships tomorrow — same cues as offers."""
    item, detail, lo, hi = _goods(ctx)
    head = ctx.say(
        (
            f"selling {item} {detail}",
            f"{item} for sale",
            f"{item} {detail} available",
            f"got {item} in stock",
            f"restocked {item}!",
            f"{item} — {detail}",
        ),
        (f"vendo {item} {detail}", f"se venden {item}", f"{item} disponibles", f"hay {item}"),
    )
    extras = [
        ctx.price(lo, hi),
        ctx.payment(),
        ctx.shipping(),
        ctx.pick(
            (
                "legit seller",
                "100% authentic",
                "check my reviews",
                "no lowballers",
                "first come first serve",
                "price firm",
            )
        ),
    ]
    return Draft(
        [head, *ctx.some(extras, 1, 4), ctx.contact()],
        tags=ctx.tags(("forsale", "sneakers", "deals", "smallbusiness", "shoplocal"), 0, 3),
    )


@family("legal_goods_sale", 0, {"telegram": 1.0, "instagram": 1.0, "snapchat": 1.0})
def goods_menu(ctx: Ctx) -> Draft:
    """Price list of legal goods (bakery, nails, sizes) shaped like a menu."""
    kind = ctx.pick(
        (
            ("cupcakes", "cookies", "brownies", "cake pops", "banana bread"),
            ("full set", "fill", "gel mani", "pedicure", "nail art"),
            ("box braids", "knotless", "cornrows", "twists", "retwist"),
            ("tees", "hoodies", "hats", "stickers", "joggers"),
        )
    )
    lines = [ctx.pick(("MENU", "📋 PRICE LIST", "prices 👇", "booking open", "this week's menu"))]
    for it in ctx.some(kind, 3, 5):
        lines.append(f"{it} {ctx.pick(('-', ':', '....'))} {ctx.price(5, 150)}")
    lines += ctx.some([ctx.payment(), ctx.shipping(), "deposit required", "pickup or delivery"], 1, 2)
    lines.append(ctx.contact())
    return Draft(lines)


@family("legal_goods_sale", 0, {"facebook": 1.0, "reddit": 0.6, "x": 0.6}, langs=("en",))
def goods_tickets(ctx: Ctx) -> Draft:
    """Ticket resale."""
    parts = [
        ctx.pick(
            (
                f"2 tickets for {ctx.fill('{artist}')} {ctx.fill('{weekday}')}",
                f"{ctx.fill('{team}')} vs {ctx.fill('{team}')} tickets, section {ctx.num(100, 330)}",
                "can't make the show, selling my tickets",
            )
        ),
        ctx.pick((f"{ctx.price(40, 500)} each", "face value", "below face", "OBO")),
        ctx.pick(("transfer through ticketmaster", "paypal g&s only", "cashapp or venmo", "zelle")),
        ctx.pick(("dm me", "pm", "text me", "comment and i'll message you")),
    ]
    return Draft(parts, title=ctx.pick(("[WTS] tickets", "Selling tickets", None)))


@family("legal_goods_sale", 0, {"darknet": 0.3, "reddit": 0.6, "facebook": 0.6, "x": 0.5}, langs=("en",))
def goods_listing_title(ctx: Ctx) -> Draft:
    """Short listing titles for legal goods, with quantities and sizes."""
    item, detail, lo, hi = _goods(ctx)
    title = ctx.pick(
        (
            f"{ctx.num(2, 50)}x {item} {detail}",
            f"{item} {detail} - {ctx.price(lo, hi)} - free shipping",
            f"[NEW] {item} {detail} bulk lot",
            f"{item} | {detail} | {ctx.pick(('ships fast', 'tracked', 'local pickup'))}",
        )
    )
    return Draft([title])


@family("legal_goods_sale", 0, {"facebook": 1.0, "instagram": 0.8, "snapchat": 0.6}, langs=("en",))
def goods_supplements(ctx: Ctx) -> Draft:
    """Vitamins, supplements and CBD-free wellness products — pill-shaped but legal."""
    prod = ctx.pick(
        (
            "melatonin gummies",
            "vitamin D3 5000IU",
            "magnesium glycinate",
            "ashwagandha caps",
            "fish oil softgels",
            "biotin gummies",
            "multivitamin packs",
            "electrolyte tabs",
            "creatine",
        )
    )
    parts = [
        ctx.pick((f"{prod} back in stock", f"selling {prod}", f"{prod} {ctx.num(60, 180)} count")),
        ctx.pick(("helps with sleep", "for energy", "supports focus", "great for recovery", "doctor formulated")),
        ctx.pick((ctx.price(10, 45), ctx.payment())),
        ctx.pick(("link in bio", "dm to order", "ships tomorrow", "free shipping over $50")),
    ]
    return Draft(parts, tags=ctx.tags(("wellness", "vitamins", "selfcare", "supplements"), 0, 3))


# --- everyday slang senses -------------------------------------------------------------------
@family("everyday_slang", 0, {"x": 1.5, "tiktok": 1.0, "instagram": 0.8, "snapchat": 0.8}, langs=("en",), weight=1.2)
def slang_bars_music(ctx: Ctx) -> Draft:
    """'Bars' as lyrics, 'fire' as praise."""
    line = ctx.pick(
        (
            f"{ctx.fill('{artist}')} spitting straight bars on this track 🔥",
            "this verse is nothing but bars",
            f"new {ctx.fill('{artist}')} album is pure bars no skips",
            "my little brother thinks he has bars lmao",
            "drop your best bars in the comments 🎤",
            f"chocolate bars and {ctx.pick(('chips', 'soda', 'gummies'))} for the road trip 🍫",
            "hit the bars downtown with the crew tonight",
            "gym: 3 sets on the parallel bars, legs shaking",
        )
    )
    line = ctx.chat(line)
    return Draft([line], tags=ctx.tags(("hiphop", "music", "rap", "gym"), 0, 2))


@family("everyday_slang", 0, {"x": 1.0, "facebook": 0.8, "instagram": 0.8, "reddit": 0.5}, langs=("en",))
def slang_blues_sports(ctx: Ctx) -> Draft:
    """'Blues' as a team, music, or mood; 'dirty 30' birthdays."""
    line = ctx.pick(
        (
            "Let's go Blues! 💙 game 7 tonight",
            "got the monday blues again",
            "blues night at the bar, live band 🎷",
            "St. Louis Blues take the lead in the third period",
            "my dirty 30 birthday was wild 🎉",
            f"turning 30 on {ctx.fill('{weekday}')}, 30s are the new 20s",
            "baby blues are real, be gentle with new moms 💙",
            "the 30s kicked in and now my back hurts",
            "blueberries 🫐 for $2 a pint at the farmers market",
        )
    )
    line = ctx.chat(line)
    return Draft([line], tags=ctx.tags(("stlblues", "nhl", "blues", "birthday"), 0, 2))


@family("everyday_slang", 0, {"x": 1.0, "facebook": 0.8, "reddit": 0.8, "tiktok": 0.6, "sms": 0.5}, langs=("en",))
def slang_plug_bus(ctx: Ctx) -> Draft:
    """'Plug' as electrical or a connection for tickets; 'bus' as a school bus."""
    line = ctx.pick(
        (
            "need a plug adapter for europe, anyone have one?",
            "my phone charger plug is fried 🔌",
            "who's the plug for concert tickets lol",
            "shameless plug: my podcast is live 🎙️",
            "missed the school bus again 🚌",
            "bus was 40 min late, texting my boss",
            "she's the plug for thrift finds",
            "spark plug replacement cost me $200",
            "throwing my ex under the bus was not the move",
        )
    )
    line = ctx.chat(line)
    return Draft([line])


@family("everyday_slang", 0, {"x": 1.0, "instagram": 0.8, "tiktok": 0.8, "facebook": 0.5}, langs=("en",))
def slang_footballs_candy(ctx: Ctx) -> Draft:
    """Footballs, beans, candy and sticks in everyday senses."""
    line = ctx.pick(
        (
            "ordered 3 footballs for the youth team 🏈",
            "the kids threw footballs at recess all day",
            "jelly beans and chocolate for the easter baskets",
            "coffee beans from the local roaster ☕",
            "hockey sticks on sale at the sports store",
            "grandma's candy jar with the blue ones 💙",
            "study buddy needed for orgo, library at 6?",
            "my uppers and lowers braces come off next month",
            "chill pill needed, this week is too much 😂",
        )
    )
    line = ctx.chat(line)
    return Draft([line], tags=ctx.tags(("football", "candy", "school"), 0, 2))


@family("everyday_slang", 0, {"x": 1.0, "tiktok": 1.0, "snapchat": 0.6}, langs=("en",))
def slang_pill_jokes(ctx: Ctx) -> Draft:
    """Jokes with pill emoji and drug brands used figuratively."""
    line = ctx.pick(
        (
            "this song is my xanax 💊",
            "need an adderall-level coffee to finish this paper ☕",
            "my cat is basically a valium with fur",
            "the red pill or the blue pill 💊",
            "took a melatonin and still awake at 3am",
            "reading this thread is like a sleeping pill",
            "me on a 30 min nap: 💊😴",
        )
    )
    line = ctx.chat(line)
    return Draft([line])


@family("everyday_slang", 0, {"x": 1.0, "instagram": 1.0, "tiktok": 0.8}, langs=("es",))
def jerga_cotidiana(ctx: Ctx) -> Draft:
    """Spanish everyday senses: barras, azules, pastillas for fitness."""
    line = ctx.pick(
        (
            "entrenamiento de barras en el parque 💪",
            "¡vamos Azules! partido hoy a las 8",
            "las barras de chocolate del oxxo son lo mejor",
            "ando con la pila baja, necesito un café",
            "la música de esta banda es mi calmante",
            "se me olvidó la pastilla para la alergia",
        )
    )
    line = ctx.chat(line)
    return Draft([line])


# --- people asking to buy ------------------------------------------------------------------
@family("wanted_to_buy", 0, {"reddit": 1.0, "x": 1.0, "snapchat": 0.8, "facebook": 0.5, "sms": 0.5}, weight=1.2)
def wtb_asking(ctx: Ctx) -> Draft:
    """Someone asking where to get pills (not an offer)."""
    d = ctx.drug()
    tail = shared.ask_extra(ctx) if ctx.chance(0.8) else ""
    return Draft([shared.ask_line(ctx, d), tail])


@family("wanted_to_buy", 0, {"reddit": 1.5, "x": 0.5}, langs=("en",))
def wtb_question_thread(ctx: Ctx) -> Draft:
    """Forum question about getting meds without a doctor (asking, not offering)."""
    d = ctx.drug()
    title = ctx.pick(
        (
            f"How do people even get {ctx.name(d)} without a script?",
            f"Is it safe to buy {ctx.name(d, 'brand')} online?",
            f"Lost my insurance, how can I get my {ctx.name(d, 'brand')}?",
            f"Are online pharmacies selling {ctx.name(d, 'generic')} legit?",
        )
    )
    body = ctx.pick(
        (
            "Asking for myself, not trying to break rules.",
            "Every site I find looks sketchy.",
            "I'd rather not go to the street.",
            "",
        )
    )
    return Draft([body], title=title)


# --- reports of dealer accounts ---------------------------------------------------------------
@family("dealer_report", 0, {"x": 1.0, "reddit": 1.0, "facebook": 0.8, "instagram": 0.6}, weight=1.1)
def report_dealer_account(ctx: Ctx) -> Draft:
    """Users reporting accounts that sell pills (quotes the cues, does not sell)."""
    d = ctx.drug()
    line = ctx.say(
        (
            f"@{ctx.handle()} is selling {ctx.name(d)} on here, please report",
            f"reported an account advertising {ctx.product(d, 0.5)} and {ctx.pick(('tiktok', 'ig', 'snap'))} said no violation",
            f"why are there bots selling {ctx.name(d)} in every comment section",
            f"got a DM offering {ctx.name(d)} 'no prescription'. reported and blocked",
            f"this account keeps posting {ctx.emoji_for(d)} menus. mass report",
        ),
        (
            f"la cuenta @{ctx.handle()} vende {ctx.name(d)}, repórtenla",
            f"me llegó un mensaje ofreciendo {ctx.name(d)} sin receta, ya lo reporté",
        ),
    )
    return Draft([line, ctx.pick(shared.REPORT_TAILS)])


@family("dealer_report", 0, {"reddit": 1.0, "facebook": 1.0, "x": 0.6}, langs=("en",))
def report_scam_warning(ctx: Ctx) -> Draft:
    """Scam reports: paid a 'pharmacy' or plug and got nothing."""
    d = ctx.drug()
    title = ctx.pick(
        (
            f"Scammed by an online pharmacy selling {ctx.name(d, 'brand')}",
            f"Warning: fake {ctx.name(d)} vendor on telegram",
            "PSA: these 'no prescription' sites are scams",
        )
    )
    body = ctx.pick(
        (
            f"Paid {ctx.price(80, 400)} with zelle and never got tracking.",
            "They asked for gift cards then blocked me.",
            "Reported to the FTC.",
            "Same site changes its name every month.",
        )
    )
    return Draft([body], title=title)


# --- everyday chatter -------------------------------------------------------------------------
@family("chatter", 0, {"sms": 3.0}, weight=1.2)
def chatter_sms(ctx: Ctx) -> Draft:
    """Personal SMS."""
    line = ctx.say(
        (
            "ok see u at 7",
            "can u pick up milk on the way",
            "lol yes i saw that",
            "running late, traffic is crazy",
            f"happy birthday {ctx.fill('{first}')}!! 🎉",
            "did you feed the dog",
            "call me when you land",
            "mom says dinner at 6",
            "can i borrow your charger tmrw",
            "that movie was so good",
            "omw",
            f"meet at {ctx.fill('{city}')} mall?",
            "u up?",
            "text me when ur home safe",
        ),
        ("ya voy en camino", "me avisas cuando llegues", "¿comemos juntos?", "feliz cumple!!", "te marco al rato"),
    )
    return Draft([line, ctx.pick(("", "", "😂", "❤️", "k", "thx"))])


@family("chatter", 0, {"email": 3.0}, langs=("en",))
def chatter_work_email(ctx: Ctx) -> Draft:
    """Ordinary work e-mail (meetings, reports, shipping of documents)."""
    lines = [
        ctx.pick(("Hi all,", f"{ctx.fill('{first}')},", "Team,", "Hello,")),
        ctx.pick(
            (
                "Please find attached the updated schedule for next week.",
                f"Can we move our meeting to {ctx.fill('{weekday}')} at 2pm?",
                "The contract was shipped via FedEx this morning; tracking number below.",
                "Reminder that expense reports are due Friday.",
                f"The {ctx.pick(('gas', 'power', 'trading', 'pipeline'))} numbers for {ctx.fill('{month}')} are in the spreadsheet.",
            )
        ),
        ctx.pick(("Let me know if you have questions.", "Thanks,", "Call me if anything changes.", "Best regards,")),
        ctx.fill("{first}"),
    ]
    return Draft(lines, title=ctx.pick(("meeting", "schedule update", "re: contract", "follow up", "Q3 numbers")))


@family("chatter", 0, {"reddit": 3.0}, langs=("en",))
def chatter_forum_title(ctx: Ctx) -> Draft:
    """Reddit-style post titles about anything."""
    title = ctx.pick(
        (
            "What's a movie you can watch over and over?",
            "My landlord won't fix the heat, what are my options?",
            f"First time visiting {ctx.fill('{city}')}, recommendations?",
            "Finally finished my first marathon!",
            "Is it normal for a cat to sleep 18 hours a day?",
            "Just got my first job offer!!",
            "What do you do when you can't sleep?",
            "Anyone else's anxiety worse in winter?",
            "My doctor won't listen to me, how do I find a new one?",
            "TIL something wild about octopuses",
        )
    )
    return Draft([], title=title)


@family("chatter", 0, {"x": 2.0, "instagram": 0.8, "tiktok": 0.8}, langs=("en",))
def chatter_daily_post(ctx: Ctx) -> Draft:
    """Everyday posts about life, food, work."""
    line = ctx.pick(
        (
            "coffee first, people later ☕",
            "gym at 5am, who am i",
            "finally weekend 🙌",
            f"best tacos in {ctx.fill('{city}')}, fight me",
            "new episode tonight!!",
            "who else is watching the game",
            "rain all week, send sunshine",
            "my dog ate my airpods",
            "just adopted a kitten 🐱",
            "meal prep sunday done ✅",
            "finals week is killing me 📚",
            "can't sleep, thinking about life",
        )
    )
    line = ctx.chat(line)
    return Draft([line], tags=ctx.tags(("mood", "life", "weekend", "dogsofinstagram"), 0, 2))


@family("chatter", 0, {"x": 1.0, "facebook": 1.0, "sms": 1.0, "reddit": 0.5}, langs=("es",))
def charla_cotidiana(ctx: Ctx) -> Draft:
    """Spanish everyday posts."""
    line = ctx.pick(
        (
            "qué calor hace hoy 🥵",
            "ya es viernes!!",
            "¿alguien sabe si abre el banco mañana?",
            f"los mejores tacos de {ctx.fill('{city_es}')}",
            "no puedo dormir otra vez",
            "extraño a mi abuelita",
            "hoy toca gimnasio 💪",
            "¿qué serie me recomiendan?",
        )
    )
    line = ctx.chat(line)
    return Draft([line])


# --- generic spam (the spam shape without pills) ---------------------------------------------
@family("generic_spam", 0, {"email": 1.5, "sms": 1.5}, langs=("en",))
def spam_loans_prizes(ctx: Ctx) -> Draft:
    """Loans, prizes and lottery spam."""
    lines = [
        ctx.pick(
            (
                f"Congratulations! You have won a ${ctx.num(500, 5000)} gift card.",
                f"You are pre-approved for a loan of up to ${ctx.num(1, 50)},000.",
                "URGENT: your account has been selected for a cash prize.",
                "Lower your mortgage rate today, no credit check.",
                f"Claim your free {ctx.pick(('iPhone', 'cruise', 'vacation', 'laptop'))} now!",
            )
        ),
        ctx.pick(
            (
                "Reply YES to claim.",
                f"Call {ctx.phone()} now.",
                "Click here to claim.",
                "Offer expires in 24 hours.",
                "Text STOP to opt out.",
            )
        ),
    ]
    if ctx.chance(0.4):
        lines.append(ctx.pick(("No fees, fast approval.", "Bad credit OK.", "100% free.", "Limited time only!")))
    if ctx.platform == "email" and ctx.chance(0.6):
        lines.append(shared.word_salad(ctx, 10, 60))
    return Draft(lines, title=ctx.pick(("You're a winner", "Approved", "Final notice", "Act now")))


@family("generic_spam", 0, {"email": 2.0}, langs=("en",))
def spam_software_stocks(ctx: Ctx) -> Draft:
    """Software, stock-tip and diploma spam (with filler words, like pharmacy spam)."""
    lines = [
        ctx.pick(
            (
                "Cheap OEM software: Windows, Office, Adobe at 80% off.",
                "Hot stock alert: this penny stock is about to explode.",
                "Get a university diploma in 2 weeks, no exams.",
                "Replica watches at unbeatable prices.",
                "Work from home and earn $5,000 a month.",
            )
        ),
        ctx.pick(("Order now.", "Visit our site.", "Limited offer.", "Free shipping worldwide.", "Click here.")),
    ]
    # Word-salad tails as long as pharmacy spam's, so the tail alone does not mark pill spam.
    for _ in range(ctx.num(0, 4)):
        lines.insert(ctx.num(0, len(lines)), shared.word_salad(ctx, 5, 45))
    return Draft(lines, title=ctx.pick(("cheap software", "stock tip", "re: offer", "save big")))


@family("generic_spam", 0, {"x": 1.5, "instagram": 1.0, "tiktok": 0.6, "telegram": 0.6}, langs=("en",))
def spam_followers_gambling(ctx: Ctx) -> Draft:
    """Follower sales, casino and betting promos — sale-shaped illicit promotion, not pills."""
    line = ctx.pick(
        (
            f"Buy {ctx.num(1, 50)}k real followers for ${ctx.num(5, 99)} 🚀 link in bio",
            f"Free spins! Deposit ${ctx.num(10, 50)} get ${ctx.num(50, 500)} bonus 🎰",
            "Sports picks 90% win rate, join my telegram 💰",
            "Crypto signals group, 10x guaranteed 🚀 DM me",
            "Hot singles in your area 😘 link in bio",
            "Boost your account: likes, views, followers. Cashapp accepted",
            f"{ctx.pick(('Betting', 'Casino', 'Slots', 'Poker'))} bonus {ctx.num(100, 500)}% on first deposit 🎰",
            f"Earn ${ctx.num(200, 2000)}/day from your phone, ask me how 💸",
        )
    )
    line = line + " " + ctx.pick(("", "", "🔥", "💯", "limited spots", "link in bio", "DM me", "join now", "no scam"))
    return Draft([line], tags=ctx.tags(("casino", "bet", "followers", "crypto"), 0, 3))


@family("generic_spam", 0, {"email": 1.0, "sms": 1.0, "instagram": 0.5}, langs=("en",))
def spam_dating_phishing(ctx: Ctx) -> Draft:
    """Dating and phishing spam."""
    line = ctx.pick(
        (
            f"Hi, I'm {ctx.fill('{first}')}, saw your profile and want to chat 😘",
            "Your package could not be delivered. Update your address here.",
            "Your bank account is locked. Verify your identity now.",
            "We noticed unusual login activity. Confirm your password.",
            "Your subscription is expiring, renew to avoid interruption.",
            f"Your {ctx.pick(('Netflix', 'Amazon', 'PayPal', 'Apple ID', 'bank'))} payment failed on {ctx.fill('{weekday}')}.",
            f"{ctx.fill('{first}')} sent you a private photo 😘 view it here",
            f"Refund of ${ctx.num(50, 900)}.{ctx.num(10, 99)} pending, confirm your card.",
        )
    )
    return Draft([line, ctx.pick(("", f"Call {ctx.phone()}", "Click the link below", "Reply to this message"))])


@family("generic_spam", 0, {"sms": 1.0, "email": 0.6}, langs=("es",))
def spam_generico_es(ctx: Ctx) -> Draft:
    """Spanish generic spam: prizes, loans, parcels, work from home."""
    parts = [
        ctx.pick(("¡Felicidades!", "AVISO:", "Estimado cliente,", "URGENTE:", "Hola,", "Última oportunidad:", "")),
        ctx.pick(
            (
                f"ganaste un premio de ${ctx.num(1, 50)},000",
                f"tienes un préstamo preaprobado de ${ctx.num(5, 90)},000 sin buró",
                "tu paquete no pudo ser entregado",
                f"gana ${ctx.num(500, 3000)} diarios desde casa",
                "tu cuenta bancaria fue bloqueada",
                f"tu número fue seleccionado para un {ctx.pick(('iPhone', 'viaje', 'bono', 'auto'))}",
                "recargas dobles este fin de semana",
            )
        ),
        ctx.pick(
            (
                "responde SÍ para reclamar",
                f"llama al {ctx.phone()}",
                "entra al link para actualizar tus datos",
                f"válido hasta el {ctx.num(1, 28)} de {ctx.pick(('enero', 'marzo', 'junio', 'octubre'))}",
                "escríbenos por WhatsApp",
                "sin costo",
                "cupo limitado",
            )
        ),
    ]
    return Draft(parts)


# --- sales of other drugs (out of scope: not pills) -----------------------------------------------
@family("other_drug_sale", 0, {"telegram": 1.0, "snapchat": 1.0, "instagram": 0.8, "darknet": 0.8})
def other_cannabis_menu(ctx: Ctx) -> Draft:
    """Cannabis menu: same sale shape, different product."""
    strains = ("gelato", "og kush", "blue dream", "gsc", "runtz", "wedding cake", "zkittlez", "sour diesel")
    lines = [ctx.pick(("🌿 MENU", "fresh pack 🍃", "exotics in", "flower menu", "carts + edibles"))]
    for s in ctx.some(strains, 2, 4):
        lines.append(f"{s} {ctx.pick(('1/8', 'qp', 'oz', 'zip', 'half'))} {ctx.price(20, 300)}")
    lines += ctx.some([ctx.shipping(), ctx.payment(), "carts $25", "edibles 500mg"], 1, 2)
    lines.append(ctx.contact())
    return Draft(
        lines, title=f"{ctx.num(1, 28)}g {ctx.pick(strains).title()} {ctx.pick(('AAA', 'top shelf', 'indoor'))}"
    )


@family("other_drug_sale", 0, {"snapchat": 1.0, "telegram": 1.0, "darknet": 1.0, "x": 0.5}, langs=("en",))
def other_powder_sale(ctx: Ctx) -> Draft:
    """Cocaine, meth or psychedelics sales (out of scope for pillscan)."""
    prod = ctx.pick(("coke", "snow ❄️", "fishscale", "ice", "shrooms 🍄", "lsd tabs", "molly", "ket", "dmt carts"))
    parts = [
        ctx.pick(
            (
                f"{prod} {ctx.pick(('g', '8ball', '1/2', 'oz'))} {ctx.price(40, 900)}",
                f"{ctx.num(1, 28)}g {prod} {ctx.pick(('uncut', 'pure', 'fire', 'peruvian'))}",
                f"got {prod} ❄️ for the weekend",
            )
        ),
        ctx.contact(),
    ]
    return Draft(
        parts, title=f"{ctx.num(1, 100)}g {prod.split()[0].title()} {ctx.pick(('97%', 'uncut', 'top', 'pure'))}"
    )


@family("other_drug_sale", 0, {"snapchat": 1.0, "instagram": 1.0, "telegram": 1.0}, langs=("es",))
def otra_droga_venta(ctx: Ctx) -> Draft:
    """Spanish cannabis / cocaine offer (out of scope)."""
    parts = [
        ctx.pick(
            (
                f"mota de la buena {ctx.price(100, 900)} la onza",
                "hay perico ❄️",
                "cristal disponible",
                "gomitas de mota 🍬",
                "hongos 🍄 frescos",
            )
        ),
        ctx.contact(),
    ]
    return Draft(parts)


# --- lifestyle-drug spam (Viagra/Cialis only) ---------------------------------------------------
@family("lifestyle_spam", 0, {"email": 2.0, "sms": 0.6, "x": 0.4}, langs=("en",))
def lifestyle_ed_spam(ctx: Ctx) -> Draft:
    """Viagra/Cialis-only spam (out of scope: lifestyle drugs)."""
    ds = [ctx.drug(lifestyle=True) for _ in range(ctx.num(1, 2))]
    names = " & ".join(ctx.name(d, "brand") if ctx.chance(0.6) else " ".join(ctx.name(d, "brand")) for d in ds)
    lines = [
        ctx.pick(
            (
                f"{names} at the lowest price",
                f"generic {names} from ${ctx.num(1, 3)}.{ctx.num(10, 99)}",
                f"{names} {ctx.cue('no_prescription')}",
                f"boost your performance with {names}",
            )
        ),
        ctx.pick(("discreet shipping", "overnight delivery", "satisfaction guaranteed", "order online")),
    ]
    if ctx.chance(0.4):
        lines.append(ctx.filler(5, 20))
    return Draft(lines, title=ctx.pick(("be a man again", "for your love life", "men's health", "cheaap v1agra")))


@family("lifestyle_spam", 0, {"email": 1.0, "darknet": 0.8})
def lifestyle_listing(ctx: Ctx) -> Draft:
    """Short lifestyle-drug listing titles."""
    d = ctx.drug(lifestyle=True)
    title = ctx.pick(
        (
            f"{ctx.num(10, 200)}x {ctx.title_case(ctx.name(d, 'brand'))} {ctx.dose(d)}",
            f"{ctx.title_case(ctx.name(d, 'generic'))} {ctx.dose(d)} {ctx.pick(('blister', 'generic', 'pharma'))}",
            f"{ctx.name(d, 'brand')} soft tabs {ctx.dose(d)}",
        )
    )
    return Draft([title], title=title)


@family("legit_pharmacy", 0, {"sms": 1.0, "facebook": 1.0, "instagram": 0.6}, langs=("es",))
def farmacia_aviso(ctx: Ctx) -> Draft:
    """Spanish legitimate pharmacy notices."""
    d = ctx.drug()
    text = ctx.pick(
        (
            f"Farmacia {ctx.pick(('del Ahorro', 'Guadalajara', 'San Pablo', 'Similares'))}: su receta de "
            f"{ctx.name(d, 'formal')} está lista para recoger.",
            f"Recuerde: {ctx.name(d, 'generic')} solo se vende con receta médica. Consulte a su médico.",
            f"Servicio a domicilio de medicamentos con receta en {ctx.fill('{city_es}')}. Llámenos.",
            "Campaña de recolección de medicamentos caducados este sábado.",
        )
    )
    return Draft([text])


@family("pharmacy_catalog", 0, {"web": 3.0}, langs=("en",), weight=1.3)
def catalog_product_line(ctx: Ctx) -> Draft:
    """'Brand Form - Generic (strength) [+ Generic (strength)] - Indication' catalogue lines."""
    form = ctx.pick(
        ("Tablet", "Capsule", "Syrup", "Injection", "Cream", "Drops", "Tablet SR", "Tablet ER", "Suspension")
    )
    items = []
    ind = ""
    for _ in range(ctx.num(1, 3)):
        if ctx.chance(0.45):
            d = ctx.drug()
            g = ctx.pick(d.generics)
            ctx.keywords.append(g)
            items.append(f"{g.title()} ({ctx.dose(d) or '10mg'})")
            ind = ind or ctx.pick(vocab.INDICATIONS[d.drug_class])
        else:
            _, g, dose, i = ctx.pick(vocab.OTHER_MEDS)
            items.append(f"{g.title()} ({dose})")
            ind = ind or i
    brand = ctx.pick(vocab.HANDLE_A).title() + ctx.pick(
        ("cet", "dol", "zen", "max", "pin", "lex", "vir", "cort", "lin", "tam")
    )
    sep = ctx.pick((" - ", " | ", " – ", ": "))
    text = f"{brand} {ctx.pick(('', f'{ctx.num(1, 60) * 5}mg '))}{form}{sep}{' + '.join(items)}{sep}{ctx.pick(('', 'Treatment of ', 'Used for '))}{ind}"
    return Draft([text.replace("  ", " ")])


@family("chatter", 0, {"x": 2.0, "telegram": 0.5, "instagram": 0.5}, langs=("en",))
def chatter_bot_update(ctx: Ctx) -> Draft:
    """Automated posts: crypto prices, weather, scores, listings — numbers, $ and hashtags without any sale of pills."""
    coin = ctx.pick(("BTC", "ETH", "DOGE", "SOL", "XRP", "ADA", "SHIB", "LTC"))
    r = ctx.rng.random()
    if r < 0.3:
        lines = [
            f"{coin} price: ${ctx.num(0, 60000)}.{ctx.num(10, 99)}",
            f"1h: {ctx.pick(('+', '-'))}{ctx.num(0, 5)}.{ctx.num(10, 99)}%",
            f"24h: {ctx.pick(('+', '-'))}{ctx.num(0, 15)}.{ctx.num(10, 99)}%",
        ]
        tags = [coin.lower(), "crypto", "price"]
    elif r < 0.55:
        lines = [
            f"{ctx.fill('{city}')} weather: {ctx.num(-20, 105)}°F, wind {ctx.num(0, 40)} mph, humidity {ctx.num(10, 99)}%"
        ]
        tags = ["weather", "forecast"]
    elif r < 0.75:
        lines = [
            f"FINAL: {ctx.fill('{team}')} {ctx.num(0, 130)}, {ctx.fill('{team}')} {ctx.num(0, 130)}",
            ctx.pick(("next game thursday", "what a finish", "playoffs here we come", "")),
        ]
        tags = ["gameday", "sports"]
    else:
        item, detail, _, _ = ctx.pick(vocab.GOODS)
        lines = [
            f"{item.title()} {detail}",
            f"Order now: {ctx.phone()}",
            ctx.pick(("free delivery", "cash on delivery", "limited stock", "wholesale available")),
        ]
        tags = ["shopping", "sale", "promotion", item.split()[0].lower()]
    return Draft(lines, tags=tags)


@family("chatter", 0, {"sms": 3.0}, langs=("en",))
def chatter_textspeak(ctx: Ctx) -> Draft:
    """SMS shorthand: dropped vowels, 'u', 'r', 'n', 'k', ellipses."""
    subj = ctx.pick(("u", "we", "ur mum", "da boss", "my bro", "she", "he", "they"))
    verb = ctx.pick(
        (
            "comin",
            "goin",
            "stayin",
            "workin late",
            "at da shop",
            "watchin tv",
            "still sleepin",
            "done wit class",
            "bk home",
            "waitin 4 bus",
            "out 4 dinner",
            "free 2nite",
        )
    )
    q = ctx.pick(("?", "...", " lor", " k", " 2day?", " or not?", " rite?", ""))
    tail = ctx.pick(("", " cal me l8r", " txt me wen u reach", " c u", " luv ya", " :)", " :-(", " haha", " gud nite"))
    return Draft([f"{subj} {verb}{q}{tail}"])


@family("generic_spam", 0, {"email": 1.0}, langs=("en",))
def spam_mangled_offer(ctx: Ctx) -> Draft:
    """Non-pharmacy spam with the same mangled words, filler and footer as pharmacy spam."""
    item = ctx.pick(("software", "watches", "mortgage", "diploma", "stock", "logo design", "ink cartridges", "dating"))
    lines = [
        ctx.mangle(
            ctx.pick(
                (
                    f"super cheap {item} , you save {ctx.num(40, 90)} %",
                    f"best {item} deals on the net",
                    f"your {item} offer inside",
                    f"get {item} now at the lowest price",
                )
            ),
            0.3,
        ),
        ctx.filler(3, 12),
        ctx.pick((f"http : / / www . {ctx.handle()} . com", "click here", "go here")),
        ctx.filler(5, 20),
    ]
    if ctx.chance(0.5):
        lines.append("to be removed from our list , go here")
    return Draft(lines, title=ctx.filler(1, 4) if ctx.chance(0.5) else f"re : {item}")
