print("dealhook")
