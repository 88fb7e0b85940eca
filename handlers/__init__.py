"""The conversation: what the bot answers, whatever the channel.

    core.py, context.py, turn.py   the vocabulary (Incoming, Reply, Option), settings, one turn
    i18n/                          texts (locales/*.toml, fr and en side by side), formats
    common/                        shared by every feature: button payloads (actions.py, args.py),
                                   staff checks (rights.py), cards, formats, the home menu
    notices/                       what the bot tells OTHER people (outbox rows), by subject
    visits/                        live visits, followers, private visits
    customer/                      browsing, search, cart, checkout, my orders, preferences
    merchant/                      "Ma boutique": set-up, items, orders, the counter
    routes.py                      THE table: actions, commands, deep links, inputs, fallbacks
    engine.py                      one message in, one transaction, replies out
    jobs.py                        the periodic steps the scheduler runs

Imports go one way, left to right (tests/test_layering.py checks it):
    core, context -> turn -> i18n -> common -> notices -> visits -> customer, merchant
    -> routes -> engine. customer and merchant never import each other; nothing here imports
    bot, notifications or a platform library; only engine imports routes.
"""
