"""The synonym table of search: what a word may also be written as in an item.

French synonyms and the English words an English-speaking customer types; one line per
meaning, "typed, typed: written, written". Keys and values are folded (no accents, lower
case); a value of several words is a phrase. Read by `store.search_words`.
"""

SYNONYMS_TEXT = """
sapin de noel, arbre de noel, christmas tree, christmas trees: sapin
noel, christmas, xmas: noel
cadeau, kdo, gift, present: cadeau, coffret, carte cadeau
carte cadeau, cheque cadeau, bon cadeau, gift card, gift voucher: carte cadeau
coffret: coffret, carte cadeau
pain, bread, loaf: pain, baguette
baguette: baguette, pain
chocolatine: pain au chocolat
viennoiserie: croissant, pain au chocolat, brioche
gateau, cake: gateau, buche, tarte, galette des rois
pull over, pullover, jumper, sweater, tricot: pull, cardigan
gilet: gilet, cardigan
sac a main, handbag, bag: sac
peignoir, bathrobe, dressing gown: robe de chambre
bouquin, book: livre, roman, album
jouet, toy: jouet, toupie, peluche, puzzle
calva: calvados
st: saint
cheese: fromage
candle: bougie
wine: vin
red: rouge
white: blanc, blanche
scarf: echarpe
chapeau, hat: bonnet, casquette
beanie: bonnet
cap: casquette
necklace: collier
earring: boucles
ring: bague, alliance
butter: beurre
flower: fleur, bouquet
chocolate: chocolat
honey: miel
soap: savon
cider: cidre
beer: biere
sock: chaussette
teddy, teddy bear: peluche
tie: cravate
belt: ceinture
shirt: chemise
dress: robe
coat: manteau
jacket: veste
watch: montre
doll: poupee
kite: cerf volant
comic: bd
diary: agenda
wreath: couronne
cream: creme
apple: pomme
juice: jus
pancake, crepe: crepe
blanket, throw: plaid
notebook: carnet
pyjama, pajama, pyjamas, pajamas: pyjama
sweat, sweatshirt: pull
doudou, nounours: peluche
bande dessinee: bd
bulle, mousseux, sparkling: champagne
patisserie, pastry, dessert: tarte, buche, galette des rois
deco, decor, decoration: decoration
plante, plant: orchidee, poinsettia, amaryllis
nightie, nightdress, nightgown: nuisette
bra: soutien gorge
knicker, pantie: shorty
truffle: truffe
chestnut: marron
spread: pate a tartiner
hazelnut: noisette
jewellery, jewelry, jewel: bijou
box: coffret, ecrin
spinning top: toupie
horse: cheval
board game, game: jeu
bead: perle
block: cube
marble run, marble: billes
blouse: chemisier
tote: sac
trouser, pant: pantalon
corduroy: velours
salmon: saumon
goat cheese, goat: chevre
bookmark: marque pages
planner: agenda
recipe, cookbook: recette
novel: roman
bike, bicycle, cycling: velo
orchid: orchidee
centrepiece, centerpiece: centre de table
fir: sapin
bulb: bulbe
sourdough: levain
king cake: galette des rois
yule log: buche
pie, tart: tarte
shortbread, biscuit, cookie: sable
gingerbread: pain d epices
yoghurt, yogurt: yaourt
brandy: calvados
bauble, ornament: boule
fairy light, light, garland: guirlande
perfume, scent: parfum
diffuser: diffuseur
cashmere: cachemire
silk: soie
wool, woolen, woollen: laine
leather: cuir
cotton: coton
silver: argent
gold: or
black: noir
blue: bleu
green: vert
pink: rose
jam: confiture
platter, cheeseboard: plateau
"""
