# TODO: send upstream
