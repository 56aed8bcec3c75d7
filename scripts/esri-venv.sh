# Sourced by the Esri checks: makes sure a venv with Esri's ArcGIS API for Python (`pip install
# arcgis six`) exists and sets $venv to it (AGOL_REFEREE_VENV overrides the place).
venv="${AGOL_REFEREE_VENV:-$PWD/target/esri-venv}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import arcgis, six" 2>/dev/null; then
  echo "esri: installing arcgis into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check arcgis six
fi
