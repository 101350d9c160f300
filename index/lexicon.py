"""Word lists that tell a member's phrasing from the topic of a question.

They matter only for words the index has never seen (see `index.search`): an unknown word from
`GENERIC_WORDS` or `PLACE_WORDS` is phrasing and is ignored; an unknown word from
`ASK_TOPIC_WORDS` is a strong sign that the corpus does not cover the question; any other unknown
word counts, but less. Words on these lists are spelt right, so they are never "corrected" into
index words. The lists are general English (and New Mexico places), not tuned to one corpus.
"""

from __future__ import annotations

#: What members ask a coalition bot about that documents like these often lack: money, contacts,
#: logistics, people and roles, figures, dates, sign-ups, and the usual off-topic asks. A word
#: here that the index has never seen is a strong sign the question is about something the
#: corpus does not cover; any other unknown word is more often just the member's phrasing
#: ("yardstick", "grandkids"), so it counts less (see `index.search.UNKNOWN_WEIGHT`).
ASK_TOPIC_WORDS = frozenset(
    """money cost costs price prices pricing fee fees dues pay paid payment payments pays salary
    salaries wage wages stipend stipends budget budgets funding funds fund funded funder funders
    donate donating donation donations donor donors grant grants scholarship scholarships
    reimburse reimbursed reimbursement mileage tax taxes deductible expense expenses compensation
    compensated honorarium invoice tuition afford affordable sponsor sponsors sponsorship
    email emails phone phones telephone address addresses website url contact contacts office
    offices mailing instagram facebook twitter linkedin tiktok youtube newsletter unsubscribe
    subscribe password login account username discord
    parking park location located venue room building directions map zoom webex microsoft
    dress code lunch breakfast dinner food snacks menu menus childcare interpreter wifi hotel
    lodging calendar agenda minutes recording recordings slides livestream
    director directors president chair chairs chairman chairperson chairwoman secretary
    treasurer founder founders founded staff staffer employee employees ceo governor senator
    senators legislator legislators mayor name names candidate candidates election elections
    vote votes voting endorse endorsed endorsement hire hired hiring
    percentage percent rate rates score scores statistic statistics stats average ranking
    ranked rank enrollment enrolled
    deadline deadlines date dates tomorrow tonight weekend week weeks season semester fall
    spring summer winter morning afternoon evening hour hours oclock
    register registration signup cohort cohorts canceled cancelled postponed rescheduled
    weather rain snow snowstorm forecast temperature sports football basketball baseball soccer
    game games championship recipe pizza restaurant movie music stock stocks capital
    vouchers voucher license licenses licensure certification reciprocity fafsa accreditation
    transcript transcripts""".split()
)

#: New Mexico places members name as context ("I teach in Las Cruces"): not a topic the corpus
#: lacks when the index has never seen them.
PLACE_WORDS = frozenset(
    """las cruces santa fe gallup farmington roswell taos rio rancho hobbs clovis carlsbad
    alamogordo los alamos silver city espanola deming grants socorro raton tucumcari artesia
    lovington portales belen lunas shiprock zuni acoma crownpoint ruidoso truth consequences
    bernalillo moriarty chama aztec bloomfield anthony sunland corrales placitas""".split()
)

#: Everyday English verbs, adjectives and adverbs that rarely name a topic ("big", "happen",
#: "trying", "already"). When a question uses one that the index has never seen, it is not held
#: against the question (it is not a missing topic, just phrasing); when the index does contain
#: it, it is searched like any other word.
GENERIC_WORDS = frozenset(
    """able add added adding allow almost already always another anyone anyway around back bad
    basically become becomes becoming begin beginning begins best better big bigger biggest bring
    call called came care cares caring change come comes coming consider could currently day days
    different do
    does easy enough especially even every everyone everything exist exists fast faster feel fine
    first following for found free full fully generally give given gives giving go goes going
    gone good great happen happened happening happens hard help helps high important include
    included includes involve involved keep kept kind large last late later least less let little
    long look looking looks lot made main make makes making matter maybe mostly move much need
    new next nice normal now often ok okay old only overall own part particular people person pick
    picked place point possible pretty probably put quick quickly quite rather real really right
    run same see seem seems set short should show similar since small so soon sort start started
    starts still stuff sure take taken takes taking talk than thing think thinking though thought
    through time today together try tries trying turn typical typically usual usually very via
    want way well whole why work works worth would wrong yes
    after afterwards ago ahead along also although am among anymore anywhere apart as aside away
    before behind below beside besides beyond both cannot certain certainly clear clearly
    completely despite each either elsewhere entire entirely etc exact few fewer further hardly
    hence however indeed instead just largely lately likely mainly meanwhile merely mine near
    nearly neither never nor nothing nowhere otherwise perhaps plenty rarely recent recently
    several simply somehow sometimes somewhat somewhere soon specific specifically too toward
    towards unless until upon whatever whenever wherever whether while within without yeah yet
    allowed ask asked bother bothered bring brought care cared check checked choose chose
    continue continued copy count counted counts decide decided deal expect expected fit follow
    hope hoped hopes hoping join keep leave left let lets mention mentioned miss missed note
    okay plan planned produce produced read reach send sent share stay stayed stays stop suppose
    supposed tell think told understand use used uses using wait wish wonder write writes
    writing written wrote future general basic major minor typical overall various
    more most favor favour favorable sit sits sat sitting spend spends spent struggle struggles
    struggling fix fixes fixed fixing track tracking actual actually anybody somebody everybody
    nobody stuff kinda sorta gonna wanna gotta guess mind ready regarding related relate
    relates related towards upcoming willing prefer prefers preferred slow slowly once finish
    finished finishing according altogether maximum minimum plain simple word words team teams
    teamed basically honestly literally pass passed passing propose proposed proposes
    overhaul overhauled overhauling redo redone revamp revamped deserve deserves deserved tie tied
    having walk walks walked listed matters mattered belong belongs handle handles handled treat
    treats treated imagine seek seeks shape shaped shapes push pushes pushed stand stands figure
    figured end ends ended wrap play plays played
    early earlier earliest hard harder hardest total totally huge tiny true false officially
    broad broadly deep deeply strong strongly weak complex normally initially finally eventually
    ultimately originally primarily truly seriously definitely absolutely obviously personally
    idea ideas mom moms dad dads folks guys bit piece side aspect aspects sense example examples
    detail details info summary overview gist basics statement statements table yardstick
    standpoint stance opinion opinions guidance advice tips information""".split()
)

#: Common English verbs, adjectives, adverbs, fillers and question-framing nouns (about 1,500,
#: with their inflections) that rarely name what a question is about. Money, contact, logistics,
#: role, figure, date, sign-up, event and schooling words were left out on purpose. A word that
#: is also in `ASK_TOPIC_WORDS` counts as a topic.
EVERYDAY_WORDS = frozenset(
    """a able about above absolutely accordingly accurate across actual actually add added adding
    additional additionally adds advantage advantages advice affect affected affecting affects
    after again against ago agree agreeing agrees ah ahead aint all allow allowed allowing
    allows almost along already alright also alternatively although always am amazing among
    amongst an and another answer answered answering answers any anybody anyhow anymore anyone
    anything anytime anyway anyways anywhere apart apparently appear appeared appearing appears
    appreciate appreciated appreciates appreciating approach approached approaches approaching
    appropriate approximate approximately are arent around as asap ask asked asking asks aspect
    aspects assume assumed assumes assuming at attempt attempted attempting attempts available
    avoid avoided avoiding avoids away awesome awful babies baby back background bad barely
    basic basically basics basis be became because become becomes becoming been before began
    begin beginning begins begun behind being believe believed believes believing belong
    belonged belonging belongs below besides best better between beyond big bigger biggest bit
    bits both bother bothered bothering bothers boy boys brief briefly bring bringing brings
    broad brother brothers brought btw buddies buddy bunch busy but by came can cannot cant
    carried carries carry carrying case cases certain certainly chance chances change changed
    changes changing check checked checking checks cheers child children choice choices choose
    chooses choosing chose chosen clarification clarified clarifies clarify clarifying clear
    clearer clearly clue clues come comes coming common compare compared compares comparing
    complete completed completely completes completing complex complicated con concern concerned
    concerning concerns confirm confirmation confirmed confirming confirms confuse confused
    confuses confusing confusion cons consequence consequences consequently consider considered
    considering considers contains context continue continued continues continuing cool correct
    correctly could couldnt couldve count counted counting counts couple cover covered covering
    covers crazy crucial curious current currently cuz dad dads daughter daughters deal dealing
    deals dealt dear decent decide decided decides deciding deeply defined definitely definition
    definitions depend depended depending depends describe described describes describing
    description descriptions despite detail detailed details determine determined did didnt
    differ differed difference differences different differing differs difficult directly
    disadvantage disadvantages disagree disagreeing disagrees discuss discussed discusses
    discussing do doc docs document documents does doesnt doing done dont doubt doubted doubting
    doubts down dude dudes dunno during each earlier earliest early easier easiest easily easy
    effect effectively effects eg eh either elaborate else elsewhere emphasize end ended ending
    ends enough ensure ensured ensures ensuring entire entirely error errors especially
    essential essentially etc even eventually ever every everybody everyone everything
    everywhere exact exactly example examples except excited exclude excluded excludes excluding
    exist existed existing exists expect expected expecting expects explain explained explaining
    explains explanation explanations extra fact facts fairly false families family fast faster
    fastest father fathers feel feeling feels felt few fewer fewest fifth figure figured
    figuring final finally find finding finds finish finished finishes finishing first firstly
    fit fits fitted fitting five focus focused focuses focusing folk folks follow followed
    following follows for forever forget forgets forgetting forgot forgotten former formerly
    fortunately forward found four fourth frankly frequently friend friends from full fully
    fundamentally funny further furthermore fyi gave general generally get gets getting gimme
    girl girls gist give given gives giving glad go goal goals goes going gone gonna good got
    gotta gotten grab grabbed grabbing grabs great greater greatest greatly greetings guess
    guessed guesses guessing guidance guide guy guys had haha handle handled handles handling
    happen happened happening happens happy hard harder hardest hardly has have having he hear
    heard hearing hears held hello help helped helpful helping helps hence her here heres hers
    herself hes hey hi high higher highest highlight highlights highly him himself hint hints
    his hmm hold holding holds honestly hope hoped hopefully hopes hoping horrible how however
    hows huh husband husbands i idea ideally ideas identified identify idk ie if ignore ignored
    ignores ignoring im imho immediately imo impact impacts implied implies imply implying
    important impossible in include included includes including incorrect indeed indicate
    indicated indicates indicating individual info inform information informed informing informs
    initial inquire inquired inquires inquiring instance instances instantly instead intend
    intended intending intends interesting into involve involved involves involving is isnt
    issue issues it item items its itself ive just keep keeping keeps kept kid kids kind kinda
    kindly kinds knew know knowing knowledge known knows lack lacking lacks ladies lady large
    largely larger largest last lastly late lately later latest latter learn learned learns
    learnt least led legit legitimate lemme less let lets letting like liked likely likes
    likewise list listed listing lists literally little lol long longer longest look looked
    looking looks lot lots love low lower lowest luckily maam made main mainly make makes making
    man manage managed manages managing many matter mattered matters may maybe me mean meaning
    meanings means meant meanwhile member members men mention mentioned mentioning mentions
    merely method methods might mind mine miss missed misses missing mistake mistakes mom moment
    moments moms more moreover most mostly mother mothers move moved moves moving much must my
    myself nah near nearly necessary need needed needs neighbor neighbors neither never
    nevertheless new newer newest next nice nicer nicest no nobody none nonetheless nope nor
    normal normally not note noted notes nothing notice noticed notices noticing noting notion
    notions now nowadays nowhere obvious obviously occasionally occur occurred occurring occurs
    odd of off offer offered offering offers often oh ok okay old older oldest omg on once one
    ones only onto oops opinion opinions option options or original other otherwise ought our
    ours ourselves out outline outlined outlines outlining over overall overview overviews own
    page pages paragraph paragraphs parent parents part partial partially particular
    particularly partly parts passage passages people per perhaps person personally phrase
    phrases pick picked picking picks piece pieces please pls plus plz point pointed pointing
    possibilities possibility possible possibly potential ppl practically precise precisely
    prefer preferred preferring prefers prepare prepared prepares preparing presently presumably
    presume presumed presumes presuming pretty previous previously primarily prior pro probable
    probably problem problems process processes proper properly pros provide provided provides
    providing purpose purposes put puts putting question questions quick quicker quickest
    quickly quite rarely rather re read reading reads ready real realize realized realizes
    realizing really reason reasons receive received receives receiving recent recently reckon
    reckoned reckoning reckons recognize recognized recognizes recognizing recommend
    recommendation recommendations recommended recommends refer reference references referred
    referring refers regard regarded regarding regardless regards regular relate related relates
    relating relevant relied relies rely relying remain remained remaining remains remember
    remembered remembering remembers remind reminded reminding reminds replied replies reply
    replying request requested requesting requests respond responded responding responds
    response responses result resulted resulting results right roughly sad said same saw say
    saying says scope search searched searches searching secondly section sections see seeing
    seek seeking seeks seem seemed seeming seems seen sees seldom send sending sends sense sent
    serious seriously set sets setting several shall share shared sharing she shes short shorter
    shortest should shouldnt shouldve show showed showing shown shows side sides significant
    similar similarly simple simpler simplest simply since sir sister sisters situation
    situations skip skipped skipping skips slightly slow slower slowest slowly small smaller
    smallest so solid solve solved solves solving some somebody someday somehow someone
    something sometime sometimes somewhat somewhere son sons soon sooner soonest sorry sort
    sorta sorted sorting sorts sought sound sounded sounding sounds source sources speak
    speaking speaks special specific specifically specifics specified specifies specify
    specifying spoke spoken start started starting starts stick sticking sticks still stop
    stopped stopping stops straightforward strange strict strongly stuck stuff subject subjects
    such suddenly suggest suggested suggesting suggestion suggestions suggests summaries
    summarize summarized summarizes summarizing summary suppose supposed supposedly supposes
    supposing sure surely tackle tackled tackles tackling take taken takes taking talk talked
    talking tbh technically tell telling tells tend tended tending tends terrible than thank
    thankfully thanks that thats the their theirs them themselves then there therefore theres
    these they theyre theyve thing things think thinking thinks third this tho thorough those
    though thought thoughts three through throughout thus thx till to together told too took
    topic topics totally tough tougher toward towards tricky tried tries true truly truth try
    trying twice two ty type types typical typically u ugh uh um unable unavailable unclear
    under understand understanding understands understood unfortunately unless unlike unlikely
    unnecessary until unusual up upon ur us use used useful useless uses using usual usually
    vague varied varies various vary varying very via view viewed viewing views virtually wait
    waited waiting waits wanna want wanted wanting wants was wasnt way ways we weird well went
    were werent weve what whatever whats whatsoever when whenever where whereas wheres wherever
    whether which whichever while whilst who whoever whole whom whos whose why wife will wish
    wished wishes wishing with within without woman women wonder wondered wondering wonders wont
    word words worried worries worry worrying worse worst would wouldnt wouldve wow write writes
    writing written wrong wrote ya yall yea yeah yep yes yet yo you your youre yours yourself
    yourselves youve yup""".split()
)
