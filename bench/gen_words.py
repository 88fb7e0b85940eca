"""The words the benchmark catalogue is made of: products, materials, colours, places."""

# (word, feminine, plural)
CLOTHES = [
    ("Pull", False, False),
    ("Écharpe", True, False),
    ("Bonnet", False, False),
    ("Gilet", False, False),
    ("Chemise", True, False),
    ("Robe", True, False),
    ("Veste", True, False),
    ("Manteau", False, False),
    ("Jupe", True, False),
    ("Pantalon", False, False),
    ("Chaussettes", True, True),
    ("Gants", False, True),
    ("Foulard", False, False),
    ("Cardigan", False, False),
    ("Tablier", False, False),
]
HOME = [
    ("Bougie", True, False),
    ("Vase", False, False),
    ("Coussin", False, False),
    ("Plaid", False, False),
    ("Nappe", True, False),
    ("Tasse", True, False),
    ("Bol", False, False),
    ("Assiette", True, False),
    ("Lampe", True, False),
    ("Panier", False, False),
    ("Miroir", False, False),
    ("Cadre", False, False),
    ("Théière", True, False),
    ("Plateau", False, False),
    ("Torchons", False, True),
]
JEWELLERY = [
    ("Collier", False, False),
    ("Bracelet", False, False),
    ("Bague", True, False),
    ("Boucles d'oreilles", True, True),
    ("Broche", True, False),
    ("Pendentif", False, False),
    ("Montre", True, False),
    ("Chaîne", True, False),
    ("Jonc", False, False),
]
TOYS = [
    ("Peluche", True, False),
    ("Puzzle", False, False),
    ("Toupie", True, False),
    ("Poupée", True, False),
    ("Camion", False, False),
    ("Jeu de cartes", False, False),
    ("Cubes", False, True),
    ("Hochet", False, False),
    ("Cerf-volant", False, False),
]
MATERIALS = [
    "en laine",
    "en coton bio",
    "en lin",
    "en soie",
    "en cuir",
    "en céramique",
    "en grès",
    "en bois de chêne",
    "en verre soufflé",
    "en argent",
    "en laiton",
    "en osier",
    "en cachemire",
    "en velours",
    "en porcelaine",
    "en noyer",
    "en bambou",
    "en feutre",
    "en jute",
    "en étain",
    "en mohair",
    "en alpaga",
    "en terre cuite",
    "en liège",
    "en merinos",
    "en raphia",
]
# (masculine, feminine)
COLOURS = [
    ("rouge", "rouge"),
    ("vert", "verte"),
    ("bleu", "bleue"),
    ("blanc", "blanche"),
    ("noir", "noire"),
    ("gris", "grise"),
    ("jaune", "jaune"),
    ("rose", "rose"),
    ("violet", "violette"),
    ("marron", "marron"),
    ("beige", "beige"),
    ("bleu marine", "bleu marine"),
    ("ocre", "ocre"),
    ("bordeaux", "bordeaux"),
    ("doré", "dorée"),
    ("argenté", "argentée"),
    ("turquoise", "turquoise"),
    ("kaki", "kaki"),
    ("écru", "écrue"),
    ("corail", "corail"),
    ("moutarde", "moutarde"),
    ("anthracite", "anthracite"),
]
ADJECTIVES = [
    ("artisanal", "artisanale"),
    ("fait main", "faite main"),
    ("vintage", "vintage"),
    ("brodé", "brodée"),
    ("tressé", "tressée"),
    ("peint à la main", "peinte à la main"),
    ("ancien", "ancienne"),
    ("classique", "classique"),
    ("moderne", "moderne"),
    ("recyclé", "recyclée"),
    ("personnalisé", "personnalisée"),
    ("rustique", "rustique"),
    ("élégant", "élégante"),
    ("léger", "légère"),
    ("chaud", "chaude"),
    ("unique", "unique"),
]
FOODS = [
    "Confiture",
    "Miel",
    "Terrine",
    "Biscuits",
    "Thé",
    "Café",
    "Tablette de chocolat",
    "Sirop",
    "Pâte à tartiner",
    "Caramels",
    "Nougat",
    "Cidre",
    "Bière",
    "Jus",
    "Moutarde",
]
FLAVOURS = [
    "de fraise",
    "d'abricot",
    "de framboise",
    "à la lavande",
    "de châtaigne",
    "aux noisettes",
    "au caramel beurre salé",
    "de pomme",
    "de poire",
    "à l'orange",
    "au citron",
    "de cassis",
    "à la vanille",
    "au gingembre",
    "de mirabelle",
    "aux amandes",
    "de coing",
    "à la rhubarbe",
]
FOOD_ADJECTIVES = ["bio", "du Perche", "maison", "artisanal", "de Normandie", "fermier", ""]
SENTENCES = [
    "Pièce unique réalisée dans notre atelier.",
    "Fabriqué en France.",
    "Lavable à 30 °C.",
    "Taille unique.",
    "Idée cadeau pour Noël.",
    "Emballage cadeau offert.",
    "Produit local de saison.",
    "Quantités limitées.",
    "Existe en plusieurs tailles.",
    "Conseils et retouches en boutique.",
]
# category -> (shop name prefixes, product list or None for food)
CATEGORIES = {
    "clothing": (["Boutique", "Mode", "Atelier", "Dressing"], CLOTHES),
    "home": (["La Maison de", "Déco", "Comptoir", "Brocante"], HOME),
    "jewellery": (["Bijouterie", "Bijoux", "Atelier"], JEWELLERY),
    "toys": (["Jouets", "La Ludothèque de", "Le Coffre à jouets de"], TOYS),
    "grocery": (["Épicerie", "Épicerie fine", "Comptoir", "Saveurs de"], None),
}
SURNAMES = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre "
    "Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure Rousseau Blanc "
    "Guérin Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez "
    "Fontaine Chevalier Robin Christelle Sandrine Nathalie Isabelle Julie Camille Léa Manon"
).split()
PLACES = [
    "du Centre",
    "de la Place",
    "du Marché",
    "des Halles",
    "du Vieux Pont",
    "de l'Église",
    "du Château",
    "de la Gare",
    "du Perche",
    "des Remparts",
    "de la Mairie",
    "du Port",
]
TOWN_ROOTS = (
    "Nogent Villeneuve Beaumont Montfort Châteauneuf Fontaine Neuville Bellême Mortagne Brou "
    "Illiers Authon Bonneval Senonches Châteaudun Dreux Anet Courville Thiron Margon Authon "
    "Montmirail Vibraye Mamers Alençon Argentan Verneuil Tillières Rémalard Longny Moulins "
    "Saint-Martin Saint-Denis Saint-Pierre Saint-Jean Sainte-Marie Saint-Laurent Saint-Rémy "
    "La-Ferté Le-Mesnil Les-Essarts Mont Bourg Champ Villiers Marcilly Lucé Mainvilliers Vernon "
    "Evreux Lisieux Bernay Orbec Vimoutiers Gacé Laigle Sées Carrouges Domfront Flers Tinchebray "
    "Vire Condé Falaise Bayeux Honfleur Pont-Audemer Lyons Gisors Étrépagny Louviers"
).split()
TOWN_SUFFIXES = [
    "",
    "-sur-Loire",
    "-sur-Seine",
    "-en-Perche",
    "-le-Rotrou",
    "-sur-Mer",
    "-les-Bains",
    "-le-Château",
    "-la-Forêt",
    "-en-Bresse",
    "-sur-Marne",
    "-d'Anjou",
    "-du-Lac",
    "-sur-Eure",
]
